-- Job outcomes waiting to be told in Slack: one row per post, sent once
-- across replicas under a lease, several outcomes of a post coalesced.
CREATE TABLE slack_outbox (
    workspace_id TEXT NOT NULL,
    post_id      TEXT NOT NULL,
    pending      INTEGER NOT NULL DEFAULT 1, -- 1: an outcome waits to be told
    seq          INTEGER NOT NULL DEFAULT 0, -- grows with every outcome queued
    told_key     TEXT NOT NULL DEFAULT '',   -- the final state told last
    attempts     INTEGER NOT NULL DEFAULT 0,
    next_at      INTEGER NOT NULL,           -- unix ms: not sent before
    owner        TEXT NOT NULL DEFAULT '',
    lease_until  INTEGER NOT NULL DEFAULT 0, -- unix ms: claimed by owner until
    expires_at   INTEGER NOT NULL,           -- unix ms; the cleanup job deletes told rows past it
    PRIMARY KEY (workspace_id, post_id)
);
CREATE INDEX slack_outbox_due ON slack_outbox (pending, next_at);
