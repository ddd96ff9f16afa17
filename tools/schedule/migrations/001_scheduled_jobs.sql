-- Durable jobs: one row per unit of work (one delivery = post × target).
CREATE TABLE scheduled_jobs (
    id           TEXT PRIMARY KEY,             -- random, or derived from (workspace, kind, unique_key)
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL,
    args         TEXT NOT NULL DEFAULT '{}',   -- JSON, opaque to the scheduler
    run_at       INTEGER NOT NULL,             -- unix ms
    status       TEXT NOT NULL CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    attempts     INTEGER NOT NULL DEFAULT 0,
    max_attempts INTEGER NOT NULL,
    lease_owner  TEXT NOT NULL DEFAULT '',
    lease_until  INTEGER NOT NULL DEFAULT 0,
    attempted_at INTEGER NOT NULL DEFAULT 0,   -- start of the current attempt
    last_error   TEXT NOT NULL DEFAULT '',
    history      TEXT NOT NULL DEFAULT '[]',   -- JSON array of attempts
    unique_key   TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL,
    seq          INTEGER NOT NULL DEFAULT 0    -- bumped by every transition
);
-- Partial indexes stay as small as the work in flight: the claim reads due
-- pending jobs, the lease sweep reads processing ones.
CREATE INDEX scheduled_jobs_due ON scheduled_jobs (run_at) WHERE status = 'pending';
CREATE INDEX scheduled_jobs_leases ON scheduled_jobs (lease_until) WHERE status = 'processing';
CREATE INDEX scheduled_jobs_creator ON scheduled_jobs (workspace_id, created_by, created_at);

-- State shared by every replica: the pause flag.
CREATE TABLE scheduler_state (
    id         TEXT PRIMARY KEY,
    paused     INTEGER NOT NULL DEFAULT 0,
    updated_by TEXT NOT NULL DEFAULT '',
    updated_at INTEGER NOT NULL DEFAULT 0
);
