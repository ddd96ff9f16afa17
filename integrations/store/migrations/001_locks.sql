-- Named leases shared by every replica: cron ticks, token refresh single-flight.
CREATE TABLE locks (
    name       TEXT PRIMARY KEY,
    owner      TEXT NOT NULL,
    expires_at INTEGER NOT NULL -- unix ms
);
CREATE INDEX locks_expires_at ON locks (expires_at);
