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

// chooseFixture is the web chat with a publish_post that asks which of two
// Instagram accounts first, then refuses a linked PNG with an offer to
// convert it, as publishing's checks do; proposed keeps every call checked.
type chooseFixture struct {
	ed   *browser
	csrf string
	png  string // a PNG's link

	mu       sync.Mutex
	proposed []imagePostArgs
}

func chooseSetup(t *testing.T) *chooseFixture {
	t.Helper()
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
	cf := &chooseFixture{png: host.URL + "/roast.png"}
	options := []publish.Target{{AccountID: "ig1", Platform: platform.Instagram, Name: "Roastery"}, {AccountID: "ig2", Platform: platform.Instagram, Name: "Outlet"}}
	post := agents.NewTool("publish_post", "Publishes a post now.", func(ctx context.Context, c identity.Caller, a imagePostArgs) (map[string]string, error) {
		return map[string]string{"published": a.Text}, nil
	}, agents.Mutating(), agents.WithCheck(func(ctx context.Context, c identity.Caller, a imagePostArgs) (agents.Check, error) {
		cf.mu.Lock()
		cf.proposed = append(cf.proposed, a)
		cf.mu.Unlock()
		if len(a.AccountIDs) == 0 {
			return agents.Check{}, &publish.ChoiceError{Choices: []publish.Choice{{Platform: platform.Instagram, Options: options}}}
		}
		for _, u := range a.ImageURLs {
			if strings.HasSuffix(u, ".png") {
				ve := &publish.ValidationError{Problems: []publish.Problem{{Platform: platform.Instagram, Field: "image_urls",
					Message: "the image is a PNG; Instagram takes only JPEG images", Convert: &publish.ConvertOffer{MediaURL: u, Platform: platform.Instagram}}}}
				return agents.Check{}, agents.Say(ve, "%s", ve.Error())
			}
		}
		return agents.Check{Preview: "Publish “" + a.Text + "” to Instagram", Targets: options[1:]}, nil
	}))
	o, err := agents.New(agents.Config{Model: llm.Offline(), Store: agents.NewStore(storetest.Open(t, store.SQLite, agents.Schema)), Prompts: set,
		Tools: []agents.Tool{post}, Log: zerolog.Nop()})
	if err != nil {
		t.Fatal(err)
	}
	conv := check.NewService(check.Prober{Fetcher: safehttp.New(safehttp.Options{AllowPrivate: true})}, &savedFiles{})
	f := dashSetup(t, "http://127.0.0.1", withChat(t, o), func(d *Deps) { d.Converter, d.Resubmitter = conv, o })
	cf.ed = f.browser(t)
	cf.ed.signIn("T1", "U-e", identity.Editor)
	cf.csrf = cf.ed.csrf()
	return cf
}

func (cf *chooseFixture) last() imagePostArgs {
	cf.mu.Lock()
	defer cf.mu.Unlock()
	return cf.proposed[len(cf.proposed)-1]
}

var chooseForm = regexp.MustCompile(`action="/dashboard/chat/approvals/([^/"]+)/choose"[^>]*>\s*<input type="hidden" name="csrf" value="[^"]*">\s*<input type="hidden" name="account_id" value="ig2">\s*<button[^>]*>Outlet \(Instagram\)</button>`)

// TestWebChatChosenAccountRefusalOffersConvert: a post that asks which
// Instagram account first shows the accounts as buttons; when the account
// chosen refuses the post's PNG, the chat shows the refusal with its
// Convert button, whether the person clicked the account or named it, and
// keeps it after a reload; the button converts and proposes the same post
// to the same account again with the converted copy.
func TestWebChatChosenAccountRefusalOffersConvert(t *testing.T) {
	t.Parallel()
	for _, how := range []string{"click", "words"} {
		t.Run(how, func(t *testing.T) {
			t.Parallel()
			cf := chooseSetup(t)
			ed, csrf := cf.ed, cf.csrf
			frag := ed.turn(ed.send(csrf, `post "Fresh roast" to instagram `+cf.png))
			m := chooseForm.FindStringSubmatch(frag)
			if m == nil || !strings.Contains(frag, "Which Instagram account should this go to?") {
				t.Fatalf("the question has no button for Outlet:\n%s", frag)
			}
			var answer string
			if how == "click" {
				resp, body := ed.do("POST", "/dashboard/chat/approvals/"+m[1]+"/choose", url.Values{"csrf": {csrf}, "account_id": {"ig2"}}, map[string]string{"HX-Request": "true"})
				if resp.StatusCode != http.StatusOK {
					t.Fatalf("choose = %d\n%s", resp.StatusCode, body)
				}
				answer = body
			} else {
				answer = ed.turn(ed.send(csrf, "Outlet"))
			}
			if !convertButton.MatchString(answer) || !strings.Contains(answer, "Outlet (Instagram) cannot take this post") {
				t.Fatalf("the refusal of the account chosen has no Convert button:\n%s", answer)
			}
			_, page := ed.do("GET", "/dashboard/chat", nil, nil)
			b := convertButton.FindStringSubmatch(page)
			if b == nil || strings.Count(page, `data-action="mm_convert"`) != 1 {
				t.Fatalf("after a reload the chat does not show the Convert button once:\n%s", page)
			}
			resp, _ := ed.do("POST", "/dashboard/media/convert", url.Values{"csrf": {csrf}, "value": {b[1]}}, nil)
			if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/chat?converted=1" {
				t.Fatalf("convert = %d to %q, want the chat", resp.StatusCode, resp.Header.Get("Location"))
			}
			if last := cf.last(); len(last.ImageURLs) != 0 || !slices.Equal(last.MediaIDs, []string{"med_1"}) ||
				!slices.Equal(last.AccountIDs, []string{"ig2"}) || last.Text != "Fresh roast" {
				t.Fatalf("proposed again as %+v, want the converted copy to Outlet", last)
			}
			_, page = ed.do("GET", "/dashboard/chat?converted=1", nil, nil)
			if approveAction.FindStringSubmatch(page) == nil || !strings.Contains(page, "Publish “Fresh roast” to Instagram") {
				t.Fatalf("the chat does not show the approval of the converted post:\n%s", page)
			}
		})
	}
}

// TestWebChatChooseThenApprove: the account clicked settles the question
// in place with the approval of the post to it (htmx), or sends the page
// to that approval (a plain form post); Cancel rejects the question.
func TestWebChatChooseThenApprove(t *testing.T) {
	t.Parallel()
	cf := chooseSetup(t)
	ed, csrf := cf.ed, cf.csrf
	htmx := map[string]string{"HX-Request": "true"}
	ask := func() string {
		frag := ed.turn(ed.send(csrf, `post "Hello" to instagram`))
		m := chooseForm.FindStringSubmatch(frag)
		if m == nil || !strings.Contains(frag, `action="/dashboard/chat/approvals/`+m[1]+`/remember"`) || !strings.Contains(frag, ">Always Roastery</button>") {
			t.Fatalf("the question does not offer each account to choose and to remember:\n%s", frag)
		}
		return m[1]
	}
	id := ask()
	resp, frag := ed.do("POST", "/dashboard/chat/approvals/"+id+"/choose", url.Values{"csrf": {csrf}, "account_id": {"ig1"}}, htmx)
	if m := approveAction.FindStringSubmatch(frag); resp.StatusCode != http.StatusOK || m == nil || m[1] != id ||
		!strings.Contains(frag, "Going to Roastery (Instagram).") || !strings.Contains(frag, "Publish “Hello” to Instagram") {
		t.Fatalf("choose = %d, want the approval to Roastery in place:\n%s", resp.StatusCode, frag)
	}
	if resp, page := ed.do("POST", "/dashboard/chat/approvals/"+id+"/approve", url.Values{"csrf": {csrf}}, htmx); !strings.Contains(page, "s-done") {
		t.Fatalf("approve = %d\n%s", resp.StatusCode, page)
	}
	if last := cf.last(); !slices.Equal(last.AccountIDs, []string{"ig1"}) {
		t.Fatalf("the post went with %+v, want Roastery", last)
	}

	id = ask()
	resp, _ = ed.do("POST", "/dashboard/chat/approvals/"+id+"/choose", url.Values{"csrf": {csrf}, "account_id": {"ig2"}}, nil)
	if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/dashboard/chat#approval-"+id {
		t.Fatalf("plain choose = %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if _, page := ed.do("GET", "/dashboard/chat", nil, nil); !strings.Contains(page, `action="/dashboard/chat/approvals/`+id+`/approve"`) {
		t.Fatalf("the page does not offer the approval of the post to Outlet:\n%s", page)
	}

	id = ask()
	if _, frag := ed.do("POST", "/dashboard/chat/approvals/"+id+"/reject", url.Values{"csrf": {csrf}}, htmx); !strings.Contains(frag, "s-rejected") {
		t.Fatalf("cancel the question:\n%s", frag)
	}
}

// TestWebChatNamedAccountShowsTheApprovalOnce: answered in words, the
// question's approval moves to the answer's turn; the question's turn says
// it was answered, so the page holds one card to approve.
func TestWebChatNamedAccountShowsTheApprovalOnce(t *testing.T) {
	t.Parallel()
	cf := chooseSetup(t)
	ed, csrf := cf.ed, cf.csrf
	m := chooseForm.FindStringSubmatch(ed.turn(ed.send(csrf, `post "Hello" to instagram`)))
	if m == nil {
		t.Fatal("no question")
	}
	if frag := ed.turn(ed.send(csrf, "Roastery")); approveAction.FindStringSubmatch(frag) == nil {
		t.Fatalf("the answer's turn does not offer the approval:\n%s", frag)
	}
	_, page := ed.do("GET", "/dashboard/chat", nil, nil)
	if strings.Count(page, `id="approval-`+m[1]+`"`) != 1 || len(approveAction.FindAllString(page, -1)) != 1 ||
		!strings.Contains(page, `<span class="status s-answered">answered</span> Which Instagram account should this go to?`) {
		t.Fatalf("the page does not show the approval once, after the answered question:\n%s", page)
	}
}
