package publish

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/platform"
	"github.com/marketingminds/marketingminds/integrations/store"
	"github.com/marketingminds/marketingminds/tools/identity"
)

// mongoStore keeps posts in social_posts and deliveries in
// social_post_deliveries. MongoDB has no multi-document transactions here
// (FerretDB neither), so every write that must be atomic touches one document:
// a delivery's state moves by a compare-and-set on its rev.
type mongoStore struct{ db *store.DB }

type contentDoc struct {
	Text      string   `bson:"text,omitempty"`
	Link      string   `bson:"link,omitempty"`
	ImageURLs []string `bson:"image_urls,omitempty"`
	VideoURL  string   `bson:"video_url,omitempty"`
	Thread    []string `bson:"thread,omitempty"`
	MediaIDs  []string `bson:"media_ids,omitempty"`
}

// bodyDoc is a delivery's body: the content and the uploaded media it
// carries (their URLs and alt text are given at sending, not stored).
type bodyDoc struct {
	Text      string              `bson:"text,omitempty"`
	Link      string              `bson:"link,omitempty"`
	ImageURLs []string            `bson:"image_urls,omitempty"`
	VideoURL  string              `bson:"video_url,omitempty"`
	Thread    []string            `bson:"thread,omitempty"`
	Media     []platform.MediaRef `bson:"media,omitempty"`
}

func toBodyDoc(b platform.Post) bodyDoc {
	return bodyDoc{Text: b.Text, Link: b.Link, ImageURLs: b.ImageURLs, VideoURL: b.VideoURL, Thread: b.Thread, Media: b.Media}
}

func (b bodyDoc) post() platform.Post {
	return platform.Post{Text: b.Text, Link: b.Link, ImageURLs: b.ImageURLs, VideoURL: b.VideoURL, Thread: b.Thread, Media: b.Media}
}

type postDoc struct {
	ID          string            `bson:"_id"`
	WorkspaceID string            `bson:"workspace_id"`
	CampaignID  string            `bson:"campaign_id"`
	Content     contentDoc        `bson:"content"`
	Variants    map[string]string `bson:"variants,omitempty"`
	CreatedBy   string            `bson:"created_by"`
	Door        string            `bson:"door"`
	ScheduledAt time.Time         `bson:"scheduled_at"`
	CreatedAt   time.Time         `bson:"created_at"`
	UpdatedAt   time.Time         `bson:"updated_at"`
}

type deliveryDoc struct {
	ID             string    `bson:"_id"`
	WorkspaceID    string    `bson:"workspace_id"`
	PostID         string    `bson:"post_id"`
	AccountID      string    `bson:"account_id"`
	Platform       string    `bson:"platform"`
	Body           bodyDoc   `bson:"body"`
	TextHash       string    `bson:"text_hash"`
	Status         string    `bson:"status"`
	Rev            int       `bson:"rev"`
	Position       int       `bson:"position"`
	Attempts       int       `bson:"attempts"`
	PlatformPostID string    `bson:"platform_post_id"`
	URL            string    `bson:"url"`
	LastError      string    `bson:"last_error"`
	Failure        string    `bson:"failure"`
	JobID          string    `bson:"job_id"`
	RunAt          time.Time `bson:"run_at"`
	StartedAt      time.Time `bson:"started_at"`
	VerifySince    time.Time `bson:"verify_since"`
	Checks         int       `bson:"checks"`
	WaitingUntil   time.Time `bson:"waiting_until"`
	PublishedAt    time.Time `bson:"published_at"`
	CreatedAt      time.Time `bson:"created_at"`
	UpdatedAt      time.Time `bson:"updated_at"`
}

// mtime is how a time is stored: ms precision, UTC; the zero time stays the
// zero time (year 1) so range queries order it first.
func mtime(t time.Time) time.Time {
	if t.IsZero() {
		return time.Time{}
	}
	return store.Trunc(t)
}

// utc normalises a decoded date; the zero time stays zero.
func utc(t time.Time) time.Time {
	if t.IsZero() || t.Unix() == (time.Time{}).Unix() {
		return time.Time{}
	}
	return t.UTC()
}

func toContentDoc(c Content) contentDoc {
	return contentDoc(c)
}

func (c contentDoc) content() Content {
	return Content(c)
}

func toPostDoc(p Post) postDoc {
	d := postDoc{ID: p.ID, WorkspaceID: p.WorkspaceID, CampaignID: p.CampaignID, Content: toContentDoc(p.Content), CreatedBy: p.CreatedBy, Door: string(p.Door),
		ScheduledAt: mtime(p.ScheduledAt), CreatedAt: mtime(p.CreatedAt), UpdatedAt: mtime(p.UpdatedAt)}
	if len(p.Variants) > 0 {
		d.Variants = map[string]string{}
		for k, v := range p.Variants {
			d.Variants[string(k)] = v
		}
	}
	return d
}

func (d postDoc) post() Post {
	p := Post{ID: d.ID, WorkspaceID: d.WorkspaceID, CampaignID: d.CampaignID, Content: d.Content.content(), CreatedBy: d.CreatedBy, Door: identity.Door(d.Door),
		ScheduledAt: utc(d.ScheduledAt), CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
	if len(d.Variants) > 0 {
		p.Variants = map[platform.Name]string{}
		for k, v := range d.Variants {
			p.Variants[platform.Name(k)] = v
		}
	}
	return p
}

func toDeliveryDoc(d Delivery) deliveryDoc {
	b := d.Body
	return deliveryDoc{ID: d.ID, WorkspaceID: d.WorkspaceID, PostID: d.PostID, AccountID: d.AccountID, Platform: string(d.Platform),
		Body:     toBodyDoc(b),
		TextHash: d.TextHash, Status: string(d.Status), Rev: d.Rev, Position: d.Position, Attempts: d.Attempts, PlatformPostID: d.PlatformPostID,
		URL: d.URL, LastError: d.LastError, Failure: encodeFailure(d.Failure), JobID: d.JobID, RunAt: mtime(d.RunAt), StartedAt: mtime(d.StartedAt),
		VerifySince: mtime(d.VerifySince), Checks: d.Checks, WaitingUntil: mtime(d.WaitingUntil), PublishedAt: mtime(d.PublishedAt),
		CreatedAt: mtime(d.CreatedAt), UpdatedAt: mtime(d.UpdatedAt)}
}

func (d deliveryDoc) delivery() Delivery {
	b := d.Body
	return Delivery{ID: d.ID, WorkspaceID: d.WorkspaceID, PostID: d.PostID, AccountID: d.AccountID, Platform: platform.Name(d.Platform),
		Body:     b.post(),
		TextHash: d.TextHash, Status: Status(d.Status), Rev: d.Rev, Position: d.Position, Attempts: d.Attempts, PlatformPostID: d.PlatformPostID,
		URL: d.URL, LastError: d.LastError, Failure: decodeFailure(d.Failure), JobID: d.JobID, RunAt: utc(d.RunAt), StartedAt: utc(d.StartedAt),
		VerifySince: utc(d.VerifySince), Checks: d.Checks, WaitingUntil: utc(d.WaitingUntil), PublishedAt: utc(d.PublishedAt),
		CreatedAt: utc(d.CreatedAt), UpdatedAt: utc(d.UpdatedAt)}
}

func (s *mongoStore) posts() *mongo.Collection { return s.db.Mongo.Collection("social_posts") }
func (s *mongoStore) deliveries() *mongo.Collection {
	return s.db.Mongo.Collection("social_post_deliveries")
}
func (s *mongoStore) keys() *mongo.Collection { return s.db.Mongo.Collection("idempotency_keys") }

// CreatePost inserts the deliveries first, then the post: a crash between
// leaves deliveries nobody lists or schedules, never a post missing targets.
func (s *mongoStore) CreatePost(ctx context.Context, p Post) error {
	defer s.db.Observe("publish.create_post")()
	if len(p.Targets) > 0 {
		docs := make([]any, len(p.Targets))
		for i, d := range p.Targets {
			docs[i] = toDeliveryDoc(d)
		}
		if _, err := s.deliveries().InsertMany(ctx, docs); err != nil {
			return wrapf(err, "create deliveries")
		}
	}
	if _, err := s.posts().InsertOne(ctx, toPostDoc(p)); err != nil {
		return wrapf(err, "create post")
	}
	return nil
}

// AddDeliveries inserts ds, each only into a post of its workspace
// (ErrNotFound otherwise, and nothing is written).
func (s *mongoStore) AddDeliveries(ctx context.Context, ds []Delivery) error {
	defer s.db.Observe("publish.add_deliveries")()
	if len(ds) == 0 {
		return nil
	}
	docs := make([]any, len(ds))
	for i, d := range ds {
		n, err := s.posts().CountDocuments(ctx, bson.D{{Key: "_id", Value: d.PostID}, {Key: "workspace_id", Value: d.WorkspaceID}})
		if err != nil {
			return wrapf(err, "add deliveries")
		}
		if n == 0 {
			return fmt.Errorf("publish: post %s: %w", d.PostID, ErrNotFound)
		}
		docs[i] = toDeliveryDoc(d)
	}
	if _, err := s.deliveries().InsertMany(ctx, docs); err != nil {
		return wrapf(err, "add deliveries")
	}
	return nil
}

func (s *mongoStore) GetPost(ctx context.Context, workspaceID, id string) (Post, error) {
	defer s.db.Observe("publish.get_post")()
	var d postDoc
	err := s.posts().FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Post{}, fmt.Errorf("publish: post %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Post{}, wrapf(err, "get post %s", id)
	}
	posts := []Post{d.post()}
	if err := s.attach(ctx, workspaceID, posts); err != nil {
		return Post{}, err
	}
	return posts[0], nil
}

func (s *mongoStore) attach(ctx context.Context, workspaceID string, posts []Post) error {
	if len(posts) == 0 {
		return nil
	}
	idx := map[string]int{}
	ids := bson.A{}
	for i, p := range posts {
		idx[p.ID] = i
		ids = append(ids, p.ID)
	}
	cur, err := s.deliveries().Find(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "post_id", Value: bson.D{{Key: "$in", Value: ids}}}},
		options.Find().SetSort(bson.D{{Key: "position", Value: 1}, {Key: "_id", Value: 1}}))
	if err != nil {
		return wrapf(err, "list deliveries")
	}
	var docs []deliveryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return wrapf(err, "list deliveries")
	}
	for _, d := range docs {
		i := idx[d.PostID]
		posts[i].Targets = append(posts[i].Targets, d.delivery())
	}
	return nil
}

func (s *mongoStore) ListPosts(ctx context.Context, workspaceID string, f PostFilter, limit int, after Cursor) ([]Post, error) {
	defer s.db.Observe("publish.list_posts")()
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if f.CampaignID != "" {
		filter = append(filter, bson.E{Key: "campaign_id", Value: f.CampaignID})
	}
	if f.Status != "" || f.Platform != "" {
		ids, err := s.postsWith(ctx, workspaceID, f)
		if err != nil {
			return nil, err
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}})
	}
	var and bson.A
	if !f.From.IsZero() || !f.To.IsZero() {
		// A post's time is its scheduled time, or its created time when sent
		// now (scheduled_at zero): two branches, no date operators.
		window := bson.D{}
		if !f.From.IsZero() {
			window = append(window, bson.E{Key: "$gte", Value: mtime(f.From)})
		}
		if !f.To.IsZero() {
			window = append(window, bson.E{Key: "$lt", Value: mtime(f.To)})
		}
		and = append(and, bson.D{{Key: "$or", Value: bson.A{
			bson.D{{Key: "scheduled_at", Value: append(bson.D{{Key: "$ne", Value: time.Time{}}}, window...)}},
			bson.D{{Key: "scheduled_at", Value: time.Time{}}, {Key: "created_at", Value: window}},
		}}})
	}
	if after.ID != "" {
		and = append(and, bson.D{after.MongoBefore("created_at", "_id")})
	}
	if len(and) > 0 {
		filter = append(filter, bson.E{Key: "$and", Value: and})
	}
	cur, err := s.posts().Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, wrapf(err, "list posts")
	}
	var docs []postDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, wrapf(err, "list posts")
	}
	posts := make([]Post, len(docs))
	for i, d := range docs {
		posts[i] = d.post()
	}
	if err := s.attach(ctx, workspaceID, posts); err != nil {
		return nil, err
	}
	return posts, nil
}

func (s *mongoStore) GetDelivery(ctx context.Context, workspaceID, id string) (Delivery, error) {
	defer s.db.Observe("publish.get_delivery")()
	var d deliveryDoc
	err := s.deliveries().FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return Delivery{}, fmt.Errorf("publish: delivery %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return Delivery{}, wrapf(err, "get delivery %s", id)
	}
	return d.delivery(), nil
}

// SaveDeliveries updates one document per delivery (a compare-and-set on
// rev); MongoDB serialises them itself, so no transaction is needed.
func (s *mongoStore) SaveDeliveries(ctx context.Context, ds []Delivery) ([]bool, error) {
	defer s.db.Observe("publish.save_deliveries")()
	ok := make([]bool, len(ds))
	for i, d := range ds {
		res, err := s.deliveries().UpdateOne(ctx,
			bson.D{{Key: "_id", Value: d.ID}, {Key: "workspace_id", Value: d.WorkspaceID}, {Key: "rev", Value: d.Rev}},
			bson.D{
				{Key: "$set", Value: bson.D{
					{Key: "status", Value: string(d.Status)}, {Key: "attempts", Value: d.Attempts},
					{Key: "platform_post_id", Value: d.PlatformPostID}, {Key: "url", Value: d.URL},
					{Key: "last_error", Value: d.LastError}, {Key: "failure", Value: encodeFailure(d.Failure)}, {Key: "job_id", Value: d.JobID},
					{Key: "run_at", Value: mtime(d.RunAt)}, {Key: "started_at", Value: mtime(d.StartedAt)},
					{Key: "verify_since", Value: mtime(d.VerifySince)}, {Key: "checks", Value: d.Checks},
					{Key: "waiting_until", Value: mtime(d.WaitingUntil)},
					{Key: "published_at", Value: mtime(d.PublishedAt)}, {Key: "updated_at", Value: mtime(d.UpdatedAt)},
				}},
				{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}},
			})
		if err != nil {
			return nil, wrapf(err, "save delivery %s", d.ID)
		}
		ok[i] = res.ModifiedCount == 1
	}
	return ok, nil
}

// ReplacePost moves each delivery over its rev first, then the post. A
// conflict on a later delivery leaves earlier ones rewritten (MongoDB has no
// transaction here); the post document is then left as it was.
func (s *mongoStore) ReplacePost(ctx context.Context, p Post, ds []Delivery) error {
	defer s.db.Observe("publish.replace_post")()
	n, err := s.posts().CountDocuments(ctx, bson.D{{Key: "_id", Value: p.ID}, {Key: "workspace_id", Value: p.WorkspaceID}})
	if err != nil {
		return wrapf(err, "replace post")
	}
	if n == 0 {
		return fmt.Errorf("publish: post %s: %w", p.ID, ErrNotFound)
	}
	for _, d := range ds {
		b := d.Body
		res, err := s.deliveries().UpdateOne(ctx,
			bson.D{{Key: "_id", Value: d.ID}, {Key: "workspace_id", Value: d.WorkspaceID}, {Key: "rev", Value: d.Rev}},
			bson.D{
				{Key: "$set", Value: bson.D{
					{Key: "body", Value: toBodyDoc(b)},
					{Key: "text_hash", Value: d.TextHash}, {Key: "run_at", Value: mtime(d.RunAt)},
					{Key: "last_error", Value: d.LastError}, {Key: "failure", Value: encodeFailure(d.Failure)},
					{Key: "updated_at", Value: mtime(d.UpdatedAt)},
				}},
				{Key: "$inc", Value: bson.D{{Key: "rev", Value: 1}}},
			})
		if err != nil {
			return wrapf(err, "replace delivery %s", d.ID)
		}
		if res.ModifiedCount != 1 {
			return fmt.Errorf("publish: delivery %s changed meanwhile: %w", d.ID, ErrConflict)
		}
	}
	doc := toPostDoc(p)
	_, err = s.posts().UpdateOne(ctx, bson.D{{Key: "_id", Value: p.ID}, {Key: "workspace_id", Value: p.WorkspaceID}},
		bson.D{{Key: "$set", Value: bson.D{
			{Key: "content", Value: doc.Content}, {Key: "variants", Value: doc.Variants},
			{Key: "scheduled_at", Value: doc.ScheduledAt}, {Key: "updated_at", Value: doc.UpdatedAt},
		}}})
	if err != nil {
		return wrapf(err, "replace post")
	}
	return nil
}

func (s *mongoStore) findDeliveries(ctx context.Context, filter bson.D, opts ...options.Lister[options.FindOptions]) ([]Delivery, error) {
	cur, err := s.deliveries().Find(ctx, filter, opts...)
	if err != nil {
		return nil, err
	}
	var docs []deliveryDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, err
	}
	out := make([]Delivery, len(docs))
	for i, d := range docs {
		out[i] = d.delivery()
	}
	return out, nil
}

func (s *mongoStore) SameText(ctx context.Context, workspaceID, accountID, textHash string, from, to time.Time) ([]Delivery, error) {
	defer s.db.Observe("publish.same_text")()
	out, err := s.findDeliveries(ctx, bson.D{
		{Key: "workspace_id", Value: workspaceID}, {Key: "account_id", Value: accountID}, {Key: "text_hash", Value: textHash},
		{Key: "run_at", Value: bson.D{{Key: "$gte", Value: mtime(from)}, {Key: "$lte", Value: mtime(to)}}},
		{Key: "status", Value: bson.D{{Key: "$nin", Value: bson.A{string(StatusFailed), string(StatusCancelled)}}}},
	}, options.Find().SetSort(bson.D{{Key: "run_at", Value: 1}}))
	if err != nil {
		return nil, wrapf(err, "same text")
	}
	return out, nil
}

func (s *mongoStore) Started(ctx context.Context, workspaceID, accountID string, since time.Time) (int, time.Time, error) {
	defer s.db.Observe("publish.started")()
	if since.IsZero() {
		since = time.UnixMilli(1) // never-started deliveries hold the zero time (year 1)
	}
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "account_id", Value: accountID},
		{Key: "started_at", Value: bson.D{{Key: "$gte", Value: mtime(since)}}}}
	n, err := s.deliveries().CountDocuments(ctx, filter)
	if err != nil {
		return 0, time.Time{}, wrapf(err, "count started")
	}
	if n == 0 {
		return 0, time.Time{}, nil
	}
	var first deliveryDoc
	err = s.deliveries().FindOne(ctx, filter, options.FindOne().SetSort(bson.D{{Key: "started_at", Value: 1}})).Decode(&first)
	if err != nil {
		return 0, time.Time{}, wrapf(err, "count started")
	}
	return int(n), utc(first.StartedAt), nil
}

func (s *mongoStore) PublishedIDs(ctx context.Context, workspaceID, accountID string, since time.Time) ([]string, error) {
	defer s.db.Observe("publish.published_ids")()
	ds, err := s.findDeliveries(ctx, bson.D{{Key: "workspace_id", Value: workspaceID}, {Key: "account_id", Value: accountID},
		{Key: "started_at", Value: bson.D{{Key: "$gte", Value: mtime(since)}}}, {Key: "status", Value: string(StatusPublished)}})
	if err != nil {
		return nil, wrapf(err, "published ids")
	}
	var out []string
	for _, d := range ds {
		if d.PlatformPostID != "" {
			out = append(out, d.PlatformPostID)
		}
	}
	return out, nil
}

type keyDoc struct {
	ID          string    `bson:"_id"` // workspace/user/key
	WorkspaceID string    `bson:"workspace_id"`
	UserID      string    `bson:"user_id"`
	Key         string    `bson:"key"`
	Fingerprint string    `bson:"fingerprint"`
	Status      int       `bson:"status"`
	Body        []byte    `bson:"body,omitempty"`
	CreatedAt   time.Time `bson:"created_at"`
}

func keyID(workspaceID, userID, key string) string {
	return fmt.Sprintf("%d:%s/%d:%s/%s", len(workspaceID), workspaceID, len(userID), userID, key)
}

// BeginKey inserts a document with a fixed _id: the one write that is atomic
// on every server the tests use, so two concurrent requests get one winner.
func (s *mongoStore) BeginKey(ctx context.Context, k StoredKey) (StoredKey, bool, error) {
	defer s.db.Observe("publish.begin_key")()
	id := keyID(k.WorkspaceID, k.UserID, k.Key)
	_, err := s.keys().InsertOne(ctx, keyDoc{ID: id, WorkspaceID: k.WorkspaceID, UserID: k.UserID, Key: k.Key,
		Fingerprint: k.Fingerprint, CreatedAt: mtime(k.CreatedAt)})
	if err == nil {
		return k, true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return StoredKey{}, false, wrapf(err, "begin idempotency key")
	}
	var d keyDoc
	if err := s.keys().FindOne(ctx, bson.D{{Key: "_id", Value: id}}).Decode(&d); err != nil {
		return StoredKey{}, false, wrapf(err, "read idempotency key")
	}
	return StoredKey{WorkspaceID: d.WorkspaceID, UserID: d.UserID, Key: d.Key, Fingerprint: d.Fingerprint, Status: d.Status,
		Body: d.Body, CreatedAt: utc(d.CreatedAt)}, false, nil
}

func (s *mongoStore) FinishKey(ctx context.Context, k StoredKey) error {
	defer s.db.Observe("publish.finish_key")()
	_, err := s.keys().UpdateOne(ctx, bson.D{{Key: "_id", Value: keyID(k.WorkspaceID, k.UserID, k.Key)}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "status", Value: k.Status}, {Key: "body", Value: k.Body}}}})
	if err != nil {
		return wrapf(err, "finish idempotency key")
	}
	return nil
}

func (s *mongoStore) DeleteKey(ctx context.Context, workspaceID, userID, key string) error {
	defer s.db.Observe("publish.delete_key")()
	if _, err := s.keys().DeleteOne(ctx, bson.D{{Key: "_id", Value: keyID(workspaceID, userID, key)}}); err != nil {
		return wrapf(err, "delete idempotency key")
	}
	return nil
}

func (s *mongoStore) PurgeKeys(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("publish.purge_keys")()
	res, err := s.keys().DeleteMany(ctx, bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: mtime(before)}}}})
	if err != nil {
		return 0, wrapf(err, "purge idempotency keys")
	}
	return res.DeletedCount, nil
}
