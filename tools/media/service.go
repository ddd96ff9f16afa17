package media

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/fault"
	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media/check"
)

// Upload stores in's bytes for the caller's workspace: streamed to the blob
// store while hashing, probed from the bytes (never the name), and, when
// the workspace already holds identical bytes, linked to the existing media
// (its conversation added) instead of stored twice. Editors may.
func (s *Service) Upload(ctx context.Context, c identity.Caller, in Upload) (Media, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Media{}, err
	}
	name, alt, err := cleanText(in.Name, in.Alt)
	if err != nil {
		return Media{}, err
	}
	switch in.Source {
	case SourceSlack, SourceDashboard, SourceAPI:
	default:
		return Media{}, invalid("unknown source %q", in.Source)
	}
	if in.Body == nil {
		return Media{}, invalid("no file")
	}
	w, err := s.blobs.Write(ctx, c.WorkspaceID, in.Body, s.maxBytes)
	if errors.Is(err, ErrTooLarge) {
		return Media{}, kinded{fmt.Errorf("%w: the largest file taken is %d MB", ErrTooLarge, s.maxBytes>>20), fault.Validation}
	}
	if err != nil {
		return Media{}, fmt.Errorf("media: upload %q: %w", name, err)
	}
	if w.Bytes == 0 {
		_ = s.blobs.Delete(ctx, c.WorkspaceID, w.Key)
		return Media{}, invalid("the file %q is empty", name)
	}
	if old, err := s.store.BySHA(ctx, c.WorkspaceID, w.SHA256); err == nil {
		return s.existing(ctx, c, old, w, in.Conversation)
	}
	info, err := s.probe(ctx, c.WorkspaceID, w.Key)
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), c.WorkspaceID, w.Key)
		return Media{}, err
	}
	if name == "" {
		name = "upload" + extension(info.ContentType)
	}
	r := Record{BlobKey: w.Key, Media: Media{ID: store.NewID(), WorkspaceID: c.WorkspaceID, UploadedBy: c.UserID, Name: name,
		ContentType: info.ContentType, Alt: alt, SHA256: w.SHA256, Source: in.Source, Bytes: w.Bytes,
		Width: info.Width, Height: info.Height, Duration: info.Duration, CreatedAt: s.stamp()}}
	r.SharedAt = r.CreatedAt
	if in.Conversation != "" {
		r.Conversations = []string{in.Conversation}
	}
	err = s.store.Insert(ctx, r)
	if errors.Is(err, ErrDuplicate) { // the same bytes, uploaded at the same moment
		old, gerr := s.store.BySHA(ctx, c.WorkspaceID, w.SHA256)
		if gerr != nil {
			return Media{}, fmt.Errorf("media: upload %q: %w", name, gerr)
		}
		return s.existing(ctx, c, old, w, in.Conversation)
	}
	if err != nil {
		_ = s.blobs.Delete(context.WithoutCancel(ctx), c.WorkspaceID, w.Key)
		return Media{}, err
	}
	s.log.Info().Str("workspace", c.WorkspaceID).Str("media", r.ID).Int64("bytes", r.Bytes).Str("type", r.ContentType).Msg("media: uploaded")
	return view(filled(r), in.Conversation), nil
}

// stamp is the time of an upload or a share, to the millisecond the stores
// keep, always after the one before: files shared in one message, a
// millisecond apart or less, keep the order they were shared in.
func (s *Service) stamp() time.Time {
	s.stampMu.Lock()
	defer s.stampMu.Unlock()
	t := store.Trunc(s.now())
	if !t.After(s.lastStamp) {
		t = s.lastStamp.Add(time.Millisecond)
	}
	s.lastStamp = t
	return t
}

// existing links old to conversation and drops the blob just written when
// it is not old's (GridFS writes each upload under a new key).
func (s *Service) existing(ctx context.Context, c identity.Caller, old Record, w Written, conversation string) (Media, error) {
	if w.Key != old.BlobKey {
		if err := s.blobs.Delete(context.WithoutCancel(ctx), c.WorkspaceID, w.Key); err != nil {
			s.log.Warn().Err(err).Str("workspace", c.WorkspaceID).Msg("media: a duplicate upload's blob stays")
		}
	}
	if err := s.store.Link(ctx, c.WorkspaceID, old.ID, conversation, s.stamp()); err != nil {
		return Media{}, err
	}
	if conversation != "" && !slices.Contains(old.Conversations, conversation) {
		old.Conversations = append(old.Conversations, conversation)
	}
	return view(old, conversation), nil
}

// probe reads what the stored bytes are.
func (s *Service) probe(ctx context.Context, workspaceID, key string) (check.Info, error) {
	b, err := s.blobs.Open(ctx, workspaceID, key)
	if err != nil {
		return check.Info{}, err
	}
	defer b.Close()
	info, err := check.Probe(b)
	if errors.Is(err, check.ErrUnknownFormat) {
		return check.Info{}, invalid("the file is not an image or video we can publish (JPEG, PNG, GIF, WebP, MP4 or MOV)")
	}
	if err != nil {
		return check.Info{}, invalid("the file could not be read as an image or video")
	}
	return info, nil
}

// view is a record as its caller sees it: Conversation is the one asked
// about when the record is linked to it, else the first.
func view(r Record, conversation string) Media {
	m := r.Media
	m.Conversation = ""
	for _, k := range r.Conversations {
		if k == conversation || m.Conversation == "" {
			m.Conversation = k
		}
	}
	if m.UsedBy == nil {
		m.UsedBy = []string{}
	}
	return m
}

func extension(contentType string) string {
	_, sub, _ := strings.Cut(contentType, "/")
	switch sub {
	case "jpeg":
		return ".jpg"
	case "quicktime":
		return ".mov"
	case "":
		return ""
	}
	return "." + sub
}

// cleanText checks a name and alt text: valid UTF-8, within the limits; a
// name loses any directory part.
func cleanText(name, alt string) (string, string, error) {
	if !utf8.ValidString(name) || !utf8.ValidString(alt) {
		return "", "", invalid("the name and alt text must be UTF-8 text")
	}
	name = strings.TrimSpace(path.Base(strings.ReplaceAll(name, `\`, "/")))
	if name == "." || name == "/" {
		name = ""
	}
	alt = strings.TrimSpace(alt)
	if n := utf8.RuneCountInString(name); n > MaxName {
		return "", "", invalid("a file name has at most %d characters", MaxName)
	}
	if n := utf8.RuneCountInString(alt); n > MaxAlt {
		return "", "", invalid("alt text has at most %d characters", MaxAlt)
	}
	return name, alt, nil
}

// Get reads one media of the caller's workspace; any role.
func (s *Service) Get(ctx context.Context, c identity.Caller, id string) (Media, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Media{}, err
	}
	r, err := s.store.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return Media{}, err
	}
	return view(r, ""), nil
}

// List reads a page of the caller's workspace's media, newest first; any role.
func (s *Service) List(ctx context.Context, c identity.Caller, f Filter) (Page, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Page{}, err
	}
	after, err := store.ParseCursor(f.Cursor)
	if err != nil {
		return Page{}, invalid("the cursor is not one this API gave out")
	}
	if f.Kind != "" && f.Kind != KindImage && f.Kind != KindVideo {
		return Page{}, invalid("the kind is %q or %q", KindImage, KindVideo)
	}
	if f.Limit <= 0 || f.Limit > MaxList {
		f.Limit = MaxList
	}
	rs, err := s.store.List(ctx, c.WorkspaceID, Query{Conversation: f.Conversation, Unused: f.Unused, Kind: f.Kind, Limit: f.Limit + 1, After: after})
	if err != nil {
		return Page{}, err
	}
	p := Page{Items: []Media{}}
	for i, r := range rs {
		if i == f.Limit {
			last := rs[i-1]
			at := last.CreatedAt
			if f.Conversation != "" {
				at = last.SharedAt
			}
			p.Next = store.Cursor{CreatedAt: at, ID: last.ID}.String()
			break
		}
		p.Items = append(p.Items, view(r, f.Conversation))
	}
	return p, nil
}

// Count says how many files the caller's workspace holds, how many
// nothing uses yet, how many are images and how many videos; any role.
func (s *Service) Count(ctx context.Context, c identity.Caller) (Counts, error) {
	if err := c.Require(identity.Viewer); err != nil {
		return Counts{}, err
	}
	var n Counts
	for _, q := range []struct {
		into *int
		q    Query
	}{{&n.Files, Query{}}, {&n.Unused, Query{Unused: true}}, {&n.Images, Query{Kind: KindImage}}, {&n.Videos, Query{Kind: KindVideo}}} {
		v, err := s.store.Count(ctx, c.WorkspaceID, q.q)
		if err != nil {
			return Counts{}, err
		}
		*q.into = v
	}
	return n, nil
}

// Update changes a media's alt text or name; editors may.
func (s *Service) Update(ctx context.Context, c identity.Caller, id string, p Patch) (Media, error) {
	if err := c.Require(identity.Editor); err != nil {
		return Media{}, err
	}
	r, err := s.store.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return Media{}, err
	}
	if p.Name != nil {
		r.Name = *p.Name
	}
	if p.Alt != nil {
		r.Alt = *p.Alt
	}
	if r.Name, r.Alt, err = cleanText(r.Name, r.Alt); err != nil {
		return Media{}, err
	}
	if r.Name == "" {
		return Media{}, invalid("give the file a name")
	}
	if err := s.store.Update(ctx, c.WorkspaceID, id, r.Name, r.Alt); err != nil {
		return Media{}, err
	}
	return view(r, ""), nil
}

// Delete removes a media, blob and metadata; refused while a post that
// still waits to be published, or an approval request still waiting for a
// person, uses it. Editors may.
func (s *Service) Delete(ctx context.Context, c identity.Caller, id string) error {
	if err := c.Require(identity.Editor); err != nil {
		return err
	}
	r, err := s.store.Get(ctx, c.WorkspaceID, id)
	if err != nil {
		return err
	}
	if busy, err := s.pendingUse(ctx, r); err != nil {
		return err
	} else if busy {
		return kinded{fmt.Errorf("%w: cancel or publish the post first", ErrInUse), fault.Validation}
	}
	if held, err := s.heldForApproval(ctx, r); err != nil {
		return err
	} else if held {
		return kinded{ErrAwaitingApproval, fault.Validation}
	}
	return s.remove(ctx, r)
}

// pendingUse tells whether a post still waiting to be published uses r.
func (s *Service) pendingUse(ctx context.Context, r Record) (bool, error) {
	for _, u := range r.UsedBy {
		postID, ok := strings.CutPrefix(u, "post:")
		if !ok {
			continue
		}
		if s.postState == nil {
			return true, nil
		}
		pending, err := s.postState(ctx, r.WorkspaceID, postID)
		if err != nil {
			return false, fmt.Errorf("media: is post %s pending: %w", postID, err)
		}
		if pending {
			return true, nil
		}
	}
	return false, nil
}

// heldForApproval tells whether an approval request still waiting for a
// person holds r (the post it proposes would fail without it).
func (s *Service) heldForApproval(ctx context.Context, r Record) (bool, error) {
	for _, u := range r.UsedBy {
		id, ok := strings.CutPrefix(u, "approval:")
		if !ok {
			continue
		}
		if s.approvals == nil {
			return true, nil
		}
		pending, err := s.approvals(ctx, r.WorkspaceID, id)
		if err != nil {
			return false, fmt.Errorf("media: is approval %s pending: %w", id, err)
		}
		if pending {
			return true, nil
		}
	}
	return false, nil
}

// remove deletes the metadata, then the blob and its thumbnail (a blob
// without metadata is harmless; metadata without its blob would be listed
// but not served).
func (s *Service) remove(ctx context.Context, r Record) error {
	ok, err := s.store.Delete(ctx, r.WorkspaceID, r.ID)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotFound
	}
	for _, key := range []string{r.BlobKey, thumbKey(r.BlobKey)} {
		if err := s.blobs.Delete(ctx, r.WorkspaceID, key); err != nil {
			return fmt.Errorf("media: delete %s: %w", r.ID, err)
		}
	}
	return nil
}

// Open reads a media's bytes (the adapters that upload bytes, the signed
// URL route); the workspace comes from a trusted caller, not a person.
func (s *Service) Open(ctx context.Context, workspaceID, id string) (Blob, Media, error) {
	r, err := s.store.Get(ctx, workspaceID, id)
	if err != nil {
		return nil, Media{}, err
	}
	b, err := s.blobs.Open(ctx, workspaceID, r.BlobKey)
	if err != nil {
		return nil, Media{}, err
	}
	return b, view(r, ""), nil
}

// Use checks that every id names media of the caller's workspace and
// records user ("post:<id>", "library:<id>") in each one's UsedBy. A
// missing id is a validation error naming its position (media_ids[2]),
// never the id.
func (s *Service) Use(ctx context.Context, c identity.Caller, ids []string, user string) ([]Media, error) {
	out, err := s.Resolve(ctx, c, ids)
	if err != nil || user == "" || len(ids) == 0 {
		return out, err
	}
	return out, s.store.Use(ctx, c.WorkspaceID, ids, user)
}

// Release records that user ("library:<id>", "approval:<id>") no longer
// uses any media of workspaceID; media nothing else uses are then removed
// by the cleanup once past the retention.
func (s *Service) Release(ctx context.Context, workspaceID, user string) error {
	return s.store.Release(ctx, workspaceID, user, nil)
}

// ReleaseExcept is Release but for the media of keep, which user still
// uses (an edited library item's media).
func (s *Service) ReleaseExcept(ctx context.Context, workspaceID, user string, keep []string) error {
	return s.store.Release(ctx, workspaceID, user, keep)
}

// Resolve reads the media ids of the caller's workspace, in order; a
// missing one is a validation error naming its position.
func (s *Service) Resolve(ctx context.Context, c identity.Caller, ids []string) ([]Media, error) {
	out := make([]Media, 0, len(ids))
	for i, id := range ids {
		r, err := s.store.Get(ctx, c.WorkspaceID, strings.TrimSpace(id))
		if errors.Is(err, ErrNotFound) {
			return nil, kinded{fmt.Errorf("%w: media_ids[%d]: no such media in this workspace", ErrInvalid, i), fault.Validation}
		}
		if err != nil {
			return nil, err
		}
		out = append(out, view(r, ""))
	}
	return out, nil
}

// Cleanup removes, in every workspace, the media nothing uses that were
// uploaded more than Retention ago, blob and metadata (the weekly cleanup
// job). It returns how many it removed.
func (s *Service) Cleanup(ctx context.Context) (int, error) {
	cutoff := s.now().Add(-Retention)
	wss, err := s.store.UnusedWorkspaces(ctx, cutoff)
	if err != nil {
		return 0, err
	}
	n := 0
	var errs []error
	for _, ws := range wss {
		rs, err := s.store.List(ctx, ws, Query{Unused: true, CreatedBefore: cutoff, Limit: 1000})
		if err != nil {
			errs = append(errs, err)
			continue
		}
		for _, r := range rs {
			if err := s.remove(ctx, r); err != nil && !errors.Is(err, ErrNotFound) {
				errs = append(errs, err)
				continue
			}
			n++
		}
	}
	s.log.Info().Int("workspaces", len(wss)).Int("media", n).Dur("retention", Retention).Msg("media: unused media past the retention removed")
	return n, errors.Join(errs...)
}
