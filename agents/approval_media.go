package agents

import (
	"context"
	"encoding/json"

	"github.com/marketingminds/marketingminds/tools/identity"
	"github.com/marketingminds/marketingminds/tools/media"
)

// MediaHolder records that a held call's post uses its media while the
// approval waits, so they cannot be deleted from under it, and releases
// them once it is decided (*media.Service).
type MediaHolder interface {
	Use(ctx context.Context, c identity.Caller, ids []string, user string) ([]media.Media, error)
	Release(ctx context.Context, workspaceID, user string) error
}

// approvalUser is how an approval names itself in a media's UsedBy.
func approvalUser(id string) string { return "approval:" + id }

// argMediaIDs are the media a call's arguments name (media_ids of the
// post tools); none for arguments without them.
func argMediaIDs(raw json.RawMessage) []string {
	var a struct {
		MediaIDs []string `json:"media_ids"`
	}
	if json.Unmarshal(raw, &a) != nil {
		return nil
	}
	return a.MediaIDs
}

// hold records approval id's use of the media its arguments name; an id
// that names no media of the workspace is the call's refusal.
func (o *Orchestrator) hold(ctx context.Context, c identity.Caller, id string, raw json.RawMessage) error {
	ids := argMediaIDs(raw)
	if o.cfg.Holder == nil || len(ids) == 0 {
		return nil
	}
	if _, err := o.cfg.Holder.Use(ctx, c, ids, approvalUser(id)); err != nil {
		return mediaKnown(err)
	}
	return nil
}

// release drops a decided approval's use of its media (the post it made
// records its own). A failure is logged: the decision stands, and the
// media's deletion is no longer refused for it (media.Config.ApprovalState).
func (o *Orchestrator) release(ctx context.Context, a Approval) {
	if o.cfg.Holder == nil || len(argMediaIDs(a.Args)) == 0 {
		return
	}
	if err := o.cfg.Holder.Release(context.WithoutCancel(ctx), a.WorkspaceID, approvalUser(a.ID)); err != nil {
		o.cfg.Log.Error().Err(err).Str("workspace", a.WorkspaceID).Str("approval", a.ID).Msg("agents: release the media of a decided approval")
	}
}
