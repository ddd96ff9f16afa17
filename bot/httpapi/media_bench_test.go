package httpapi

import (
	"bytes"
	"context"
	"github.com/marketingminds/marketingminds/integrations/sandbox/testmedia"
	"io"
	"mime/multipart"
	"net/http"
	"testing"
	"time"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// BenchmarkSignedMediaURL serves a 100 KB image at its signed URL, over
// real HTTP: token check, metadata read, file open, ServeContent.
func BenchmarkSignedMediaURL(b *testing.B) {
	f := mediaSetup(b)
	pic := append(testmedia.Photo(b, 64, 64, 1), make([]byte, 100<<10)...)
	m, err := f.svc.Upload(context.Background(), identity.Caller{WorkspaceID: "T1", UserID: "U", Role: identity.Editor},
		media.Upload{Source: media.SourceAPI, Body: bytes.NewReader(pic)})
	if err != nil {
		b.Fatal(err)
	}
	u := f.svc.URL("T1", m.ID, time.Hour)
	client := f.srv.Client()
	b.SetBytes(int64(len(pic)))
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			resp, err := client.Get(u)
			if err != nil {
				b.Error(err)
				return
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Errorf("status %d", resp.StatusCode)
				return
			}
		}
	})
}

// BenchmarkUpload200MB uploads a 200 MB file through POST /api/media,
// generated as it is sent (the client holds none of it): the server
// streams it to the blob store. Run with /usr/bin/time -v for peak RSS.
func BenchmarkUpload200MB(b *testing.B) {
	const size = 200 << 20
	f := mediaSetup(b)
	head := testmedia.Photo(b, 64, 64, 2)
	b.SetBytes(size)
	for i := 0; i < b.N; i++ {
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		go func() {
			fw, _ := mw.CreateFormFile("file", "big.jpg")
			_, _ = fw.Write(head)
			chunk := make([]byte, 1<<20)
			chunk[0] = byte(i) // different bytes each round: no dedup
			for n := len(head); n < size; n += len(chunk) {
				_, _ = fw.Write(chunk[:min(len(chunk), size-n)])
			}
			_ = mw.Close()
			_ = pw.Close()
		}()
		req, _ := http.NewRequest("POST", f.srv.URL+"/api/media", pr)
		req.Header.Set("Content-Type", mw.FormDataContentType())
		req.Header.Set("Authorization", "Bearer "+f.tokens["editor"])
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 201 {
			b.Fatalf("upload = %d %s", resp.StatusCode, data)
		}
	}
}
