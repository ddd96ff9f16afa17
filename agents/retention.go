package agents

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// DefaultRetention is how long conversations are kept when Config.Retention
// is not set.
const DefaultRetention = 90 * 24 * time.Hour

// minRetention is the shortest retention a workspace can have (one day):
// no workspace keeps a message older than that unless its own setting
// says so, so only those holding one are asked.
const minRetention = 24 * time.Hour

// SweepConversations forgets, in every workspace, the conversation messages
// older than the workspace's retention (and the conversations left empty);
// the weekly cleanup job calls it. It returns how many conversations were
// deleted or shortened. A workspace whose retention cannot be read is
// skipped this time and named in the error; the others are swept.
func (o *Orchestrator) SweepConversations(ctx context.Context) (int64, error) {
	now := o.cfg.Now()
	workspaces, err := o.cfg.Store.ConversationWorkspaces(ctx, now.Add(-minRetention))
	if err != nil {
		return 0, err
	}
	var total int64
	var errs []error
	for _, ws := range workspaces {
		keep := DefaultRetention
		if o.cfg.Retention != nil {
			if keep, err = o.cfg.Retention(ctx, ws); err != nil {
				errs = append(errs, fmt.Errorf("agents: retention of %s: %w", ws, err))
				continue
			}
		}
		n, err := o.cfg.Store.ForgetConversations(ctx, ws, now.Add(-max(keep, minRetention)))
		if err != nil {
			errs = append(errs, fmt.Errorf("agents: forget conversations of %s: %w", ws, err))
			continue
		}
		total += n
	}
	o.cfg.Log.Info().Int("workspaces", len(workspaces)).Int64("conversations", total).Msg("agents: conversations past their retention forgotten")
	return total, errors.Join(errs...)
}
