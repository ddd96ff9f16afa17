package sandbox

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Meta webhooks (platform-apis.md 8.3): an app subscribes a callback URL to
// an object ("page" with field feed, "instagram" with comments); Meta checks
// it with a GET handshake, then POSTs changes signed with the app secret in
// X-Hub-Signature-256. Here the subscription is made through the admin API
// (the App Dashboard's part) and new comments are delivered when generated.

// metaSub is the app's subscription for one object.
type metaSub struct {
	Object      string `json:"object"`
	CallbackURL string `json:"callback_url"`
	AppSecret   string `json:"app_secret"`
}

// metaBatch is the most changes one delivery carries (Meta: up to 1000).
const metaBatch = 1000

// SubscribeMeta verifies callback with Meta's handshake (hub.mode,
// hub.challenge, hub.verify_token; the answer must be the challenge) and
// then delivers object's changes ("page" or "instagram") to it, signed
// with appSecret.
func (s *Sandbox) SubscribeMeta(ctx context.Context, object, callback, verifyToken, appSecret string) error {
	if object != "page" && object != "instagram" {
		return fmt.Errorf("object is page or instagram, not %q", object)
	}
	if appSecret == "" {
		return fmt.Errorf("an app secret is needed to sign deliveries")
	}
	u, err := url.Parse(callback)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return fmt.Errorf("callback_url %q is not a URL", callback)
	}
	challenge := strconv.FormatInt(time.Now().UnixNano()%1_000_000_000, 10)
	q := u.Query()
	q.Set("hub.mode", "subscribe")
	q.Set("hub.challenge", challenge)
	q.Set("hub.verify_token", verifyToken)
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return err
	}
	resp, err := s.webhookClient().Do(req)
	if err != nil {
		return fmt.Errorf("callback verification failed: %w", err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(resp.Body, 1024))
	if resp.StatusCode != http.StatusOK || strings.TrimSpace(string(body)) != challenge {
		return fmt.Errorf("callback verification failed: the URL couldn't be validated (HTTP %d, the response did not match the challenge)", resp.StatusCode)
	}
	s.mu.Lock()
	s.eng().Meta[object] = &metaSub{Object: object, CallbackURL: callback, AppSecret: appSecret}
	s.touch()
	s.mu.Unlock()
	return nil
}

func (s *Sandbox) webhookClient() *http.Client {
	if s.opts.WebhookClient != nil {
		return s.opts.WebhookClient
	}
	return &http.Client{Timeout: 20 * time.Second}
}

// metaChange is one entry's change for a delivery.
type metaChange struct {
	entryID string
	field   string
	value   map[string]any
}

// subscribedApps serves /{page-id}/subscribed_apps: a Page installs the
// app (Page token, pages_manage_metadata, subscribed_fields required) so
// that its feed webhooks are delivered; GET lists the installed app.
func (c *gctx) subscribedApps(pg *fbPage) gresp {
	if c.pageID != pg.ID {
		return fail(&graphError{Code: 210, Message: "(#210) A page access token is required to request this resource."})
	}
	if e := c.need("pages_manage_metadata", "pages_show_list"); e != nil {
		return fail(e)
	}
	e := c.s.eng()
	switch c.method {
	case http.MethodGet:
		data := []any{}
		if fields, ok := e.Installed[pg.ID]; ok {
			data = append(data, map[string]any{"id": c.tok.ClientID, "name": "Marketing Minds", "subscribed_fields": fields})
		}
		return ok(map[string]any{"data": data})
	case http.MethodPost:
		raw := c.p.Get("subscribed_fields")
		if raw == "" {
			return fail(&graphError{Code: 100, Message: "(#100) The parameter subscribed_fields is required"})
		}
		if e.Installed == nil {
			e.Installed = map[string][]string{}
		}
		e.Installed[pg.ID] = strings.Split(raw, ",")
		c.s.touch()
		return ok(map[string]bool{"success": true})
	case http.MethodDelete:
		delete(e.Installed, pg.ID)
		c.s.touch()
		return ok(map[string]bool{"success": true})
	}
	return c.unsupported()
}

// installed reports whether the Page installed the app for field; callers hold s.mu.
func (s *Sandbox) installed(pageID, field string) bool {
	return slices.Contains(s.eng().Installed[pageID], field)
}

// fbFeedChange is the feed change Meta sends for a new Page comment.
func (s *Sandbox) fbFeedChange(c *engComment) metaChange {
	post := s.st.Facebook.Posts[c.PostID]
	parent := c.PostID
	if c.ParentID != "" {
		parent = c.ParentID
	}
	return metaChange{entryID: post.PageID, field: "feed", value: map[string]any{
		"from": map[string]string{"id": c.FromID, "name": c.FromName},
		"post": map[string]any{"status_type": "mobile_status_update", "is_published": true,
			"updated_time": graphTime(c.CreatedAt), "promotion_status": "inactive", "id": c.PostID},
		"message": c.Text, "post_id": c.PostID, "comment_id": c.ID, "created_time": c.CreatedAt.Unix(),
		"item": "comment", "parent_id": parent, "verb": "add",
	}}
}

// igCommentsChange is the comments change Meta sends for a new comment.
func (s *Sandbox) igCommentsChange(c *engComment) metaChange {
	m := s.st.Facebook.Media[c.PostID]
	v := map[string]any{"from": map[string]string{"id": c.FromID, "username": c.FromUsername},
		"media": map[string]string{"id": c.PostID, "media_product_type": m.ProductType}, "id": c.ID, "text": c.Text}
	if c.ParentID != "" {
		v["parent_id"] = c.ParentID
	}
	return metaChange{entryID: m.UserID, field: "comments", value: v}
}

// MetaDelivery is what a callback answered to one delivery.
type MetaDelivery struct {
	Status  int    `json:"status"`
	Changes int    `json:"changes"`
	Error   string `json:"error,omitempty"`
}

// deliverMeta posts changes to object's subscription, signed, in batches;
// nothing when there is none. Called without s.mu.
func (s *Sandbox) deliverMeta(ctx context.Context, sub metaSub, changes []metaChange) []MetaDelivery {
	var out []MetaDelivery
	for len(changes) > 0 {
		n := min(len(changes), metaBatch)
		batch := changes[:n]
		changes = changes[n:]
		var entries []any
		at := time.Now().Unix()
		for _, ch := range batch {
			entries = append(entries, map[string]any{"id": ch.entryID, "time": at,
				"changes": []any{map[string]any{"field": ch.field, "value": ch.value}}})
		}
		body := metaJSON(map[string]any{"object": sub.Object, "entry": entries})
		mac := hmac.New(sha256.New, []byte(sub.AppSecret))
		mac.Write(body)
		d := MetaDelivery{Changes: n}
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, sub.CallbackURL, bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
			var resp *http.Response
			if resp, err = s.webhookClient().Do(req); err == nil {
				_, _ = io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				d.Status = resp.StatusCode
			}
		}
		if err != nil {
			d.Error = err.Error()
		}
		out = append(out, d)
	}
	return out
}

// metaJSON encodes v as Meta sends it: non-ASCII escaped as \uXXXX with
// lowercase hex (8.3), so a receiver must hash the raw bytes.
func metaJSON(v any) []byte {
	raw, _ := json.Marshal(v) // maps of strings and numbers: cannot fail
	var b bytes.Buffer
	for _, r := range string(raw) {
		switch {
		case r < 0x80:
			b.WriteRune(r)
		case r > 0xffff:
			r -= 0x10000
			fmt.Fprintf(&b, `\u%04x\u%04x`, 0xd800+(r>>10), 0xdc00+(r&0x3ff))
		default:
			fmt.Fprintf(&b, `\u%04x`, r)
		}
	}
	return b.Bytes()
}
