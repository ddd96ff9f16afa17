package httpapi

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/rs/zerolog"

	"github.com/marketingminds/marketingminds/agents"
	"github.com/marketingminds/marketingminds/agents/llm"
	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/safehttp"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/integrations/store/storetest"
	"github.com/marketingminds/marketingminds/prompts"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
	"github.com/marketingminds/marketingminds/tools/publish"
)

// imagePostArgs are the arguments of the web chat tests' publish_post.
type imagePostArgs struct {
	Text       string   `json:"text"`
	Platforms  []string `json:"platforms"`
	ImageURLs  []string `json:"image_urls,omitempty"`
	MediaIDs   []string `json:"media_ids,omitempty"`
	AccountIDs []string `json:"account_ids,omitempty"`
}

var convertButton = regexp.MustCompile(`data-action="mm_convert" data-value="([^"]+)"`)

// TestWebChatConvertProposesAgain: in the web chat (the offline planner),
// a post of a linked PNG to Instagram is refused with a Convert button;
// the button converts it and proposes the same post again with the
// converted copy in place of the link, and the chat shows that approval.
func TestWebChatConvertProposesAgain(t *testing.T) {
	t.Parallel()
	var pngFile bytes.Buffer
	if err := png.Encode(&pngFile, image.NewRGBA(image.Rect(0, 0, 300, 300))); err != nil {
		t.Fatal(err)
	}
	host := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { _, _ = w.Write(pngFile.Bytes()) }))
	t.Cleanup(host.Close)
	set, err := prompts.Load()
	if err != nil {
		t.Fatal(err)
	}
	var mu sync.Mutex
	var proposed []imagePostArgs
	post := agents.NewTool("publish_post", "Publishes a post now.", func(ctx context.Context, c identity.Caller, a imagePostArgs) (map[string]string, error) {
		return map[string]string{"published": a.Text}, nil
	}, agents.Mutating(), agents.WithPreview(func(ctx context.Context, c identity.Caller, a imagePostArgs) (string, error) {
		mu.Lock()
		proposed = append(proposed, a)
		mu.Unlock()
		for _, u := range a.ImageURLs {
			if strings.HasSuffix(u, ".png") {
				return "", &publish.ValidationError{Problems: []publish.Problem{{Platform: platform.Instagram, Field: "image_urls",
					Message: "the image is a PNG; Instagram takes only JPEG images", Convert: &publish.ConvertOffer{MediaURL: u, Platform: platform.Instagram}}}}
			}
		}
		return "Publish “" + a.Text + "” to Instagram", nil
	}))
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{post}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	conv := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}, &savedFiles{})
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o), func(d *Deps) { d.Converter, d.Resubmitter = conv, o })
	ed := f.browser(t)
	ed.signIn("T1", "U-e", identity.Editor)
	csrf := ed.csrf()

	frag := ed.turn(ed.send(csrf, `post "Fresh roast" to instagram `+host.URL+`/roast.png`))
	m := convertButton.FindStringSubmatch(frag)
	if m == nil || strings.Contains(frag, "Needs approval") {
		t.Fatalf("no refusal with a Convert button:\n%s", frag)
	}
	resp, _ := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {csrf}, "value": {m[1]}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/chat?converted=1" {
		t.Fatalf("convert = %d to %q, want the chat", resp.StatusCode, resp.Header.Get("Location"))
	}
	mu.Lock()
	last := proposed[len(proposed)-1]
	mu.Unlock()
	if len(last.ImageURLs) != 0 || !slices.Equal(last.MediaIDs, []string{"med_1"}) || last.Text != "Fresh roast" {
		t.Fatalf("proposed again as %+v, want the converted copy in place of the link", last)
	}
	_, page := ed.do("GET", "/dashboard/chat?converted=1", nil, nil)
	if !strings.Contains(page, "proposed again with the converted media") || approveAction.FindStringSubmatch(page) == nil ||
		!strings.Contains(page, "Publish “Fresh roast” to Instagram") {
		t.Fatalf("the chat does not show the approval of the converted post:\n%s", page)
	}
}
