package schedule

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/marketingminds/marketingminds/integrations/store"
)

// mongoStore keeps jobs in scheduled_jobs. Every transition of a job (claim,
// lease take-over, finish, cancel, reschedule) is won by inserting a claim
// document with the deterministic _id "<job id>:<seq+1>" into
// scheduled_job_claims before the job is updated: inserting a fixed _id is
// atomic on MongoDB and on FerretDB alike (findOneAndUpdate is not atomic on
// FerretDB), so exactly one replica makes each transition on both.
type mongoStore struct{ db *store.DB }

type attemptDoc struct {
	Number    int       `bson:"number"`
	StartedAt time.Time `bson:"started_at"`
	EndedAt   time.Time `bson:"ended_at"`
	Owner     string    `bson:"owner"`
	Error     string    `bson:"error,omitempty"`
	Outcome   string    `bson:"outcome"`
}

type jobDoc struct {
	ID          string       `bson:"_id"`
	WorkspaceID string       `bson:"workspace_id"`
	Kind        string       `bson:"kind"`
	Args        string       `bson:"args"`
	RunAt       time.Time    `bson:"run_at"`
	Status      string       `bson:"status"`
	Attempts    int          `bson:"attempts"`
	MaxAttempts int          `bson:"max_attempts"`
	LeaseOwner  string       `bson:"lease_owner"`
	LeaseUntil  time.Time    `bson:"lease_until"`
	AttemptedAt time.Time    `bson:"attempted_at"`
	LastError   string       `bson:"last_error"`
	History     []attemptDoc `bson:"history"`
	UniqueKey   string       `bson:"unique_key"`
	CreatedBy   string       `bson:"created_by"`
	CreatedAt   time.Time    `bson:"created_at"`
	UpdatedAt   time.Time    `bson:"updated_at"`
	Seq         int64        `bson:"seq"`
}

// zeroDate is how a zero time is stored (never a missing field).
var zeroDate = time.UnixMilli(0).UTC()

func mdate(t time.Time) time.Time {
	if t.IsZero() {
		return zeroDate
	}
	return store.Trunc(t)
}

func fromMdate(t time.Time) time.Time {
	if t.IsZero() || t.Equal(zeroDate) {
		return time.Time{}
	}
	return t.UTC()
}

func (d jobDoc) job() Job {
	j := Job{
		ID: d.ID, WorkspaceID: d.WorkspaceID, Kind: d.Kind, Args: json.RawMessage(d.Args), RunAt: fromMdate(d.RunAt),
		Status: Status(d.Status), Attempts: d.Attempts, MaxAttempts: d.MaxAttempts, LeaseOwner: d.LeaseOwner,
		LeaseUntil: fromMdate(d.LeaseUntil), LastError: d.LastError, UniqueKey: d.UniqueKey, CreatedBy: d.CreatedBy,
		CreatedAt: fromMdate(d.CreatedAt), UpdatedAt: fromMdate(d.UpdatedAt), seq: d.Seq,
		History: make([]Attempt, len(d.History)),
	}
	for i, a := range d.History {
		j.History[i] = Attempt{a.Number, fromMdate(a.StartedAt), fromMdate(a.EndedAt), a.Owner, a.Error, a.Outcome}
	}
	j.Recovered = j.Status == StatusProcessing && recovered(j.History)
	return j
}

func attemptBSON(a Attempt) attemptDoc {
	return attemptDoc{a.Number, mdate(a.StartedAt), mdate(a.EndedAt), a.Owner, a.Error, a.Outcome}
}

func (s *mongoStore) jobs() *mongo.Collection   { return s.db.Mongo.Collection("scheduled_jobs") }
func (s *mongoStore) claims() *mongo.Collection { return s.db.Mongo.Collection("scheduled_job_claims") }

func claimID(id string, seq int64) string { return id + ":" + strconv.FormatInt(seq+1, 10) }

// win inserts one claim document per job (at its next seq) and returns the
// indexes of the jobs whose claim this call inserted.
func (s *mongoStore) win(ctx context.Context, ids []string, seqs []int64, owner, op string, now time.Time) ([]int, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	docs := make([]any, len(ids))
	for i := range ids {
		docs[i] = bson.D{{Key: "_id", Value: claimID(ids[i], seqs[i])}, {Key: "job_id", Value: ids[i]},
			{Key: "owner", Value: owner}, {Key: "op", Value: op}, {Key: "at", Value: mdate(now)}}
	}
	lostIdx := map[int]bool{}
	_, err := s.claims().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if !errors.As(err, &bwe) || bwe.WriteConcernError != nil || len(bwe.WriteErrors) == 0 {
			return nil, err
		}
		for _, we := range bwe.WriteErrors {
			if we.Code != 11000 {
				return nil, err
			}
			lostIdx[we.Index] = true
		}
	}
	won := make([]int, 0, len(ids))
	for i := range ids {
		if !lostIdx[i] {
			won = append(won, i)
		}
	}
	return won, nil
}

func (s *mongoStore) Insert(ctx context.Context, jobs []Job) error {
	defer s.db.Observe("schedule.insert")()
	docs := make([]any, len(jobs))
	for i, j := range jobs {
		docs[i] = jobDoc{
			ID: j.ID, WorkspaceID: j.WorkspaceID, Kind: j.Kind, Args: string(j.Args), RunAt: mdate(j.RunAt),
			Status: string(StatusPending), MaxAttempts: j.MaxAttempts, LeaseUntil: zeroDate, AttemptedAt: zeroDate,
			History: []attemptDoc{}, UniqueKey: j.UniqueKey, CreatedBy: j.CreatedBy,
			CreatedAt: mdate(j.CreatedAt), UpdatedAt: mdate(j.UpdatedAt),
		}
	}
	_, err := s.jobs().InsertMany(ctx, docs, options.InsertMany().SetOrdered(false))
	if err != nil {
		var bwe mongo.BulkWriteException
		if errors.As(err, &bwe) && bwe.WriteConcernError == nil {
			for _, we := range bwe.WriteErrors {
				if we.Code != 11000 { // a duplicate is an already-enqueued unique job
					return fmt.Errorf("schedule: insert: %w", err)
				}
			}
			return nil
		}
		return fmt.Errorf("schedule: insert: %w", err)
	}
	return nil
}

// takeOver claims docs (read as candidates) for owner: the claim documents
// decide who wins, then the winners' jobs are updated.
func (s *mongoStore) takeOver(ctx context.Context, docs []jobDoc, owner string, lease time.Duration, now time.Time, expired bool) ([]Job, error) {
	ids, seqs := make([]string, len(docs)), make([]int64, len(docs))
	for i, d := range docs {
		ids[i], seqs[i] = d.ID, d.Seq
	}
	op := "claim"
	if expired {
		op = "takeover"
	}
	won, err := s.win(ctx, ids, seqs, owner, op, now)
	if err != nil || len(won) == 0 {
		return nil, err
	}
	until := now.Add(lease)
	var models []mongo.WriteModel
	out := make([]Job, 0, len(won))
	for _, i := range won {
		d := docs[i]
		set := bson.D{{Key: "status", Value: string(StatusProcessing)}, {Key: "lease_owner", Value: owner},
			{Key: "lease_until", Value: mdate(until)}, {Key: "attempted_at", Value: mdate(now)}, {Key: "updated_at", Value: mdate(now)}}
		update := bson.D{{Key: "$inc", Value: bson.D{{Key: "attempts", Value: 1}, {Key: "seq", Value: 1}}}}
		if expired {
			dead := attemptDoc{d.Attempts, d.AttemptedAt, mdate(now), d.LeaseOwner, leaseExpiredMessage, OutcomeLeaseExpired}
			d.History = append(d.History, dead)
			set = append(set, bson.E{Key: "last_error", Value: leaseExpiredMessage})
			d.LastError = leaseExpiredMessage
			update = append(update, bson.E{Key: "$push", Value: bson.D{{Key: "history", Value: dead}}})
		}
		update = append(update, bson.E{Key: "$set", Value: set})
		models = append(models, mongo.NewUpdateOneModel().SetFilter(bson.D{{Key: "_id", Value: d.ID}, {Key: "seq", Value: d.Seq}}).SetUpdate(update))
		d.Status, d.LeaseOwner, d.LeaseUntil, d.AttemptedAt, d.UpdatedAt = string(StatusProcessing), owner, mdate(until), mdate(now), mdate(now)
		d.Attempts++
		d.Seq++
		out = append(out, d.job())
	}
	if _, err := s.jobs().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return nil, err
	}
	return out, nil
}

func (s *mongoStore) ClaimDue(ctx context.Context, now, dueBy time.Time, owner string, lease time.Duration, limit int) ([]Job, error) {
	defer s.db.Observe("schedule.claim_due")()
	cur, err := s.jobs().Find(ctx, bson.D{{Key: "status", Value: string(StatusPending)}, {Key: "run_at", Value: bson.D{{Key: "$lte", Value: mdate(dueBy)}}}},
		options.Find().SetSort(bson.D{{Key: "run_at", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("schedule: claim due jobs: %w", err)
	}
	var docs []jobDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("schedule: claim due jobs: %w", err)
	}
	jobs, err := s.takeOver(ctx, docs, owner, lease, now, false)
	if err != nil {
		return nil, fmt.Errorf("schedule: claim due jobs: %w", err)
	}
	return jobs, nil
}

func (s *mongoStore) ExpiredLeases(ctx context.Context, now time.Time, owner string, lease time.Duration, limit int) ([]Job, error) {
	defer s.db.Observe("schedule.expired_leases")()
	cur, err := s.jobs().Find(ctx, bson.D{{Key: "status", Value: string(StatusProcessing)}, {Key: "lease_until", Value: bson.D{{Key: "$lt", Value: mdate(now)}}}},
		options.Find().SetSort(bson.D{{Key: "lease_until", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("schedule: take over expired leases: %w", err)
	}
	var docs []jobDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("schedule: take over expired leases: %w", err)
	}
	jobs, err := s.takeOver(ctx, docs, owner, lease, now, true)
	if err != nil {
		return nil, fmt.Errorf("schedule: take over expired leases: %w", err)
	}
	return jobs, nil
}

func (s *mongoStore) Finish(ctx context.Context, results []Result) ([]string, error) {
	defer s.db.Observe("schedule.finish")()
	if len(results) == 0 {
		return nil, nil
	}
	ids, seqs := make([]string, len(results)), make([]int64, len(results))
	for i, r := range results {
		ids[i], seqs[i] = r.ID, r.Seq
	}
	owner := results[0].Owner
	won, err := s.win(ctx, ids, seqs, owner, "finish", results[0].Now)
	if err != nil {
		return nil, fmt.Errorf("schedule: finish: %w", err)
	}
	isWon := make([]bool, len(results))
	models := make([]mongo.WriteModel, 0, len(won))
	for _, i := range won {
		isWon[i] = true
		r := results[i]
		refund := 0
		if r.Refund {
			refund = -1
		}
		models = append(models, mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: r.ID}, {Key: "seq", Value: r.Seq}}).
			SetUpdate(bson.D{
				{Key: "$set", Value: bson.D{{Key: "status", Value: string(r.Status)}, {Key: "run_at", Value: mdate(r.RunAt)},
					{Key: "last_error", Value: r.Error}, {Key: "lease_owner", Value: ""}, {Key: "lease_until", Value: zeroDate},
					{Key: "updated_at", Value: mdate(r.Now)}}},
				{Key: "$inc", Value: bson.D{{Key: "attempts", Value: refund}, {Key: "seq", Value: 1}}},
				{Key: "$push", Value: bson.D{{Key: "history", Value: attemptBSON(r.Attempt)}}},
			}))
	}
	if len(models) > 0 {
		if _, err := s.jobs().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
			return nil, fmt.Errorf("schedule: finish: %w", err)
		}
	}
	var lost []string
	for i, r := range results {
		if !isWon[i] {
			lost = append(lost, r.ID)
		}
	}
	return lost, nil
}

func (s *mongoStore) Extend(ctx context.Context, owner string, leases []Lease, until time.Time) error {
	defer s.db.Observe("schedule.extend")()
	if len(leases) == 0 {
		return nil
	}
	models := make([]mongo.WriteModel, len(leases))
	for i, l := range leases {
		models[i] = mongo.NewUpdateOneModel().
			SetFilter(bson.D{{Key: "_id", Value: l.ID}, {Key: "seq", Value: l.Seq}, {Key: "lease_owner", Value: owner}, {Key: "status", Value: string(StatusProcessing)}}).
			SetUpdate(bson.D{{Key: "$set", Value: bson.D{{Key: "lease_until", Value: mdate(until)}}}})
	}
	if _, err := s.jobs().BulkWrite(ctx, models, options.BulkWrite().SetOrdered(false)); err != nil {
		return fmt.Errorf("schedule: extend leases: %w", err)
	}
	return nil
}

func (s *mongoStore) NextDue(ctx context.Context) (time.Time, bool, error) {
	defer s.db.Observe("schedule.next_due")()
	var d jobDoc
	err := s.jobs().FindOne(ctx, bson.D{{Key: "status", Value: string(StatusPending)}},
		options.FindOne().SetSort(bson.D{{Key: "run_at", Value: 1}})).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return time.Time{}, false, nil
	}
	if err != nil {
		return time.Time{}, false, fmt.Errorf("schedule: next due: %w", err)
	}
	return fromMdate(d.RunAt), true, nil
}

// pendingTransition applies update to a pending job of the workspace after
// winning its next claim document (ErrNotFound, ErrNotPending).
func (s *mongoStore) pendingTransition(ctx context.Context, workspaceID, id, op string, now time.Time, set bson.D) error {
	for try := 0; try < 5; try++ {
		j, err := s.Get(ctx, workspaceID, id)
		if err != nil {
			return err
		}
		if j.Status != StatusPending {
			return fmt.Errorf("%w: job %s is %s", ErrNotPending, id, j.Status)
		}
		won, err := s.win(ctx, []string{id}, []int64{j.seq}, op, op, now)
		if err != nil {
			return fmt.Errorf("schedule: %s %s: %w", op, id, err)
		}
		if len(won) == 0 {
			continue // someone else moved it: read again
		}
		_, err = s.jobs().UpdateOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "seq", Value: j.seq}},
			bson.D{{Key: "$set", Value: set}, {Key: "$inc", Value: bson.D{{Key: "seq", Value: 1}}}})
		if err != nil {
			return fmt.Errorf("schedule: %s %s: %w", op, id, err)
		}
		return nil
	}
	return fmt.Errorf("%w: job %s keeps changing", ErrNotPending, id)
}

func (s *mongoStore) Cancel(ctx context.Context, workspaceID, id, reason string, now time.Time) error {
	defer s.db.Observe("schedule.cancel")()
	return s.pendingTransition(ctx, workspaceID, id, "cancel", now, bson.D{
		{Key: "status", Value: string(StatusCancelled)}, {Key: "last_error", Value: reason}, {Key: "updated_at", Value: mdate(now)}})
}

func (s *mongoStore) Reschedule(ctx context.Context, workspaceID, id string, runAt time.Time, args json.RawMessage, now time.Time) error {
	defer s.db.Observe("schedule.reschedule")()
	set := bson.D{{Key: "run_at", Value: mdate(runAt)}, {Key: "updated_at", Value: mdate(now)}}
	if args != nil {
		set = append(set, bson.E{Key: "args", Value: string(args)})
	}
	return s.pendingTransition(ctx, workspaceID, id, "reschedule", now, set)
}

func (s *mongoStore) Get(ctx context.Context, workspaceID, id string) (*Job, error) {
	defer s.db.Observe("schedule.get")()
	var d jobDoc
	err := s.jobs().FindOne(ctx, bson.D{{Key: "_id", Value: id}, {Key: "workspace_id", Value: workspaceID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return nil, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return nil, fmt.Errorf("schedule: get %s: %w", id, err)
	}
	j := d.job()
	return &j, nil
}

func (s *mongoStore) List(ctx context.Context, workspaceID string, f Filter) ([]Job, string, error) {
	defer s.db.Observe("schedule.list")()
	limit := clampLimit(f.Limit)
	cms, cid, err := decodeCursor(f.Cursor)
	if err != nil {
		return nil, "", err
	}
	filter := bson.D{{Key: "workspace_id", Value: workspaceID}}
	if f.CreatedBy != "" {
		filter = append(filter, bson.E{Key: "created_by", Value: f.CreatedBy})
	}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: string(f.Status)})
	}
	if f.Kind != "" {
		filter = append(filter, bson.E{Key: "kind", Value: f.Kind})
	}
	if cid != "" {
		at := store.FromMillis(cms)
		filter = append(filter, bson.E{Key: "$or", Value: bson.A{
			bson.D{{Key: "created_at", Value: bson.D{{Key: "$lt", Value: at}}}},
			bson.D{{Key: "created_at", Value: at}, {Key: "_id", Value: bson.D{{Key: "$lt", Value: cid}}}},
		}})
	}
	cur, err := s.jobs().Find(ctx, filter, options.Find().
		SetSort(bson.D{{Key: "created_at", Value: -1}, {Key: "_id", Value: -1}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, "", fmt.Errorf("schedule: list: %w", err)
	}
	var docs []jobDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, "", fmt.Errorf("schedule: list: %w", err)
	}
	jobs := make([]Job, len(docs))
	for i, d := range docs {
		jobs[i] = d.job()
	}
	next := ""
	if len(jobs) > limit {
		jobs = jobs[:limit]
		next = encodeCursor(jobs[limit-1])
	}
	return jobs, next, nil
}

func (s *mongoStore) Stats(ctx context.Context, workspaceID string) (map[Status]int, error) {
	defer s.db.Observe("schedule.stats")()
	pipe := mongo.Pipeline{}
	if workspaceID != "" {
		pipe = append(pipe, bson.D{{Key: "$match", Value: bson.D{{Key: "workspace_id", Value: workspaceID}}}})
	}
	pipe = append(pipe, bson.D{{Key: "$group", Value: bson.D{{Key: "_id", Value: "$status"}, {Key: "n", Value: bson.D{{Key: "$sum", Value: 1}}}}}})
	cur, err := s.jobs().Aggregate(ctx, pipe)
	if err != nil {
		return nil, fmt.Errorf("schedule: stats: %w", err)
	}
	var rows []struct {
		ID string `bson:"_id"`
		N  int    `bson:"n"`
	}
	if err := cur.All(ctx, &rows); err != nil {
		return nil, fmt.Errorf("schedule: stats: %w", err)
	}
	out := map[Status]int{}
	for _, r := range rows {
		out[Status(r.ID)] = r.N
	}
	return out, nil
}

func (s *mongoStore) Purge(ctx context.Context, before time.Time) (int64, error) {
	defer s.db.Observe("schedule.purge")()
	res, err := s.jobs().DeleteMany(ctx, bson.D{
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(StatusCompleted), string(StatusFailed), string(StatusCancelled)}}}},
		{Key: "updated_at", Value: bson.D{{Key: "$lt", Value: mdate(before)}}}})
	if err != nil {
		return 0, fmt.Errorf("schedule: purge: %w", err)
	}
	// Claim documents only matter while a transition could still race; a
	// month-old one guards nothing.
	if _, err := s.claims().DeleteMany(ctx, bson.D{{Key: "at", Value: bson.D{{Key: "$lt", Value: mdate(before)}}}}); err != nil {
		return 0, fmt.Errorf("schedule: purge claims: %w", err)
	}
	return res.DeletedCount, nil
}

func (s *mongoStore) state() *mongo.Collection { return s.db.Mongo.Collection("scheduler_state") }

func (s *mongoStore) Paused(ctx context.Context) (bool, error) {
	defer s.db.Observe("schedule.paused")()
	var d struct {
		Paused bool `bson:"paused"`
	}
	err := s.state().FindOne(ctx, bson.D{{Key: "_id", Value: stateID}}).Decode(&d)
	if errors.Is(err, mongo.ErrNoDocuments) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("schedule: read pause flag: %w", err)
	}
	return d.Paused, nil
}

func (s *mongoStore) SetPaused(ctx context.Context, paused bool, by string, now time.Time) error {
	defer s.db.Observe("schedule.set_paused")()
	_, err := s.state().UpdateOne(ctx, bson.D{{Key: "_id", Value: stateID}},
		bson.D{{Key: "$set", Value: bson.D{{Key: "paused", Value: paused}, {Key: "updated_by", Value: by}, {Key: "updated_at", Value: mdate(now)}}}},
		options.UpdateOne().SetUpsert(true))
	if err != nil {
		return fmt.Errorf("schedule: set pause flag: %w", err)
	}
	return nil
}
