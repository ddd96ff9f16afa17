package facebook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/marketingminds/marketingminds/integrations/platform"
)

// DefaultVersion is the Graph API version called unless configured otherwise.
const DefaultVersion = "v26.0"

// GraphOrigin and LoginOrigin are the real hosts; platform.Hosts may swap them
// for a sandbox.
const (
	GraphOrigin = "https://graph.facebook.com"
	LoginOrigin = "https://www.facebook.com"
)

// Graph calls the Graph API at one version and names one platform in its
// errors. The Facebook and Instagram adapters share it (Instagram API with
// Facebook Login lives on graph.facebook.com too).
type Graph struct {
	http     *http.Client
	base     string // origin + "/" + version
	platform platform.Name
}

// NewGraph returns a Graph for version ("" = DefaultVersion) whose errors name
// platform name.
func NewGraph(httpClient *http.Client, hosts platform.Hosts, version string, name platform.Name) *Graph {
	if httpClient == nil {
		httpClient = http.DefaultClient
	}
	if version == "" {
		version = DefaultVersion
	}
	return &Graph{http: httpClient, base: hosts.Origin(GraphOrigin) + "/" + version, platform: name}
}

// Platform is the name errors carry.
func (g *Graph) Platform() platform.Name { return g.platform }

// Get calls GET path (e.g. "/me/accounts") with query q and decodes the answer into out.
func (g *Graph) Get(ctx context.Context, op, token, path string, q url.Values, out any) error {
	return g.do(ctx, op, http.MethodGet, token, path, q, out)
}

// Post calls POST path with form params and decodes the answer into out.
func (g *Graph) Post(ctx context.Context, op, token, path string, form url.Values, out any) error {
	return g.do(ctx, op, http.MethodPost, token, path, form, out)
}

// Delete calls DELETE path with query q and decodes the answer into out.
func (g *Graph) Delete(ctx context.Context, op, token, path string, q url.Values, out any) error {
	return g.do(ctx, op, http.MethodDelete, token, path, q, out)
}

func (g *Graph) do(ctx context.Context, op, method, token, path string, params url.Values, out any) error {
	u := g.base + path
	var body *strings.Reader
	if method == http.MethodPost {
		body = strings.NewReader(params.Encode())
	} else {
		if len(params) > 0 {
			u += "?" + params.Encode()
		}
		body = strings.NewReader("")
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return &platform.Error{Platform: g.platform, Op: op, Kind: platform.KindPermanent, Message: "build request: " + err.Error(), Err: err}
	}
	if method == http.MethodPost {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if token != "" {
		// The header keeps the token out of URLs (and so out of access logs).
		req.Header.Set("Authorization", "Bearer "+token)
	}
	resp, data, err := platform.Do(g.http, req, g.platform, op)
	if err != nil {
		return err
	}
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return MapError(g.platform, op, resp.StatusCode, resp.Header, data)
	}
	if _, isErr := ParseError(data); isErr {
		return MapError(g.platform, op, resp.StatusCode, resp.Header, data)
	}
	if out == nil {
		return nil
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(out); err != nil {
		return platform.Malformed(g.platform, op, resp.StatusCode, err)
	}
	return nil
}

// Page is one Facebook Page the user can act on, from /me/accounts.
type Page struct {
	ID          string
	Name        string
	AccessToken string // the Page token; never the user token
	Tasks       []string
	PictureURL  string
	// InstagramBusinessAccountID is the ig-user-id linked to the Page, if any.
	InstagramBusinessAccountID string
}

// CanPublish reports whether the user's tasks on the Page allow creating content.
func (p Page) CanPublish() bool {
	for _, t := range p.Tasks {
		if t == "CREATE_CONTENT" || t == "MANAGE" {
			return true
		}
	}
	return false
}

// maxPages bounds how many result pages a listing follows.
const maxPages = 50

// Pages lists every Page the user token administers, with their Page tokens,
// following the paging cursors.
//
// https://developers.facebook.com/docs/pages-api/overview#get-page-access-tokens
func (g *Graph) Pages(ctx context.Context, userToken string) ([]Page, error) {
	const op = "list pages"
	q := url.Values{
		"fields": {"id,name,access_token,tasks,picture,instagram_business_account"},
		"limit":  {"100"},
	}
	var pages []Page
	for range maxPages {
		var resp struct {
			Data []struct {
				ID          string   `json:"id"`
				Name        string   `json:"name"`
				AccessToken string   `json:"access_token"`
				Tasks       []string `json:"tasks"`
				Picture     struct {
					Data struct {
						URL string `json:"url"`
					} `json:"data"`
				} `json:"picture"`
				IG *struct {
					ID string `json:"id"`
				} `json:"instagram_business_account"`
			} `json:"data"`
			Paging paging `json:"paging"`
		}
		if err := g.Get(ctx, op, userToken, "/me/accounts", q, &resp); err != nil {
			return nil, err
		}
		for _, d := range resp.Data {
			if d.ID == "" {
				return nil, platform.Malformed(g.platform, op, http.StatusOK, errors.New("page without id"))
			}
			p := Page{ID: d.ID, Name: d.Name, AccessToken: d.AccessToken, Tasks: d.Tasks, PictureURL: d.Picture.Data.URL}
			if d.IG != nil {
				p.InstagramBusinessAccountID = d.IG.ID
			}
			pages = append(pages, p)
		}
		after, more := resp.Paging.nextCursor()
		if !more {
			break
		}
		q.Set("after", after)
	}
	return pages, nil
}

// paging is Graph's cursor paging object.
type paging struct {
	Cursors struct {
		After string `json:"after"`
	} `json:"cursors"`
	Next string `json:"next"`
}

// nextCursor returns the cursor of the next page. Only the cursor is used:
// the "next" URL is the server's and is not followed as is.
func (p paging) nextCursor() (string, bool) {
	if p.Next == "" || p.Cursors.After == "" {
		return "", false
	}
	return p.Cursors.After, true
}

// NextCursor is nextCursor for other packages' listings.
func NextCursor(next, after string) (string, bool) {
	p := paging{Next: next}
	p.Cursors.After = after
	return p.nextCursor()
}
