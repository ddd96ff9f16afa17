-- Who did what, when, through which door: connects, disconnects, refresh
-- failures, re-authorizations, and whatever else a tool records.
CREATE TABLE audit_log (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL DEFAULT '',
    door         TEXT NOT NULL DEFAULT '',
    action       TEXT NOT NULL,
    target       TEXT NOT NULL DEFAULT '',
    detail       TEXT NOT NULL DEFAULT '',
    at           INTEGER NOT NULL -- unix ms
);
CREATE INDEX audit_log_workspace_at ON audit_log (workspace_id, at);
