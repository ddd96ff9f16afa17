package twitter

import (
	"encoding/json"
	"testing"
)

// TestProcessingFailedWords: a failed processing_info is a permanent error
// saying what X takes, with X's reason in words when the answer has one
// (v1.1 shape; the v2 spec has none).
func TestProcessingFailedWords(t *testing.T) {
	t.Parallel()
	cases := []struct {
		body, code, msg string
	}{
		{`{"state":"failed","progress_percent":100}`, "processing_failed",
			"X could not process the video: " + videoLimits},
		{`{"state":"failed","error":{"code":3,"name":"UnsupportedMedia","message":"Duration 2.minutes+29.seconds+350.milliseconds exceeds max duration of 2.minutes+20.seconds"}}`,
			"processing_failed/UnsupportedMedia",
			"X could not process the video (Duration 2 minutes 29 seconds 350 milliseconds exceeds max duration of 2 minutes 20 seconds): " + videoLimits},
	}
	for _, c := range cases {
		var pi processingInfo
		if err := json.Unmarshal([]byte(c.body), &pi); err != nil {
			t.Fatal(err)
		}
		pe := processingFailed("upload video", &pi)
		if pe.Code != c.code || pe.Message != c.msg {
			t.Errorf("%s: %q %q, want %q %q", c.body, pe.Code, pe.Message, c.code, c.msg)
		}
	}
}
