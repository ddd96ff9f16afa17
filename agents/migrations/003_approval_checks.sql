-- An approval may first ask a question (status asking: which account?) and
-- carries what the checks before approval found (checks: JSON of the
-- choice, the duplicates, the accounts named). SQLite cannot change a CHECK
-- constraint in place: the table is rebuilt.
CREATE TABLE approval_requests_next (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    channel      TEXT NOT NULL,
    thread       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    tool         TEXT NOT NULL,
    args         TEXT NOT NULL,  -- JSON, as validated
    preview      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('asking', 'pending', 'rejected', 'running', 'done', 'failed')),
    decided_by   TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',  -- JSON of the tool's result
    error        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER NOT NULL DEFAULT 0,
    finished_at  INTEGER NOT NULL DEFAULT 0,
    checks       TEXT NOT NULL DEFAULT ''   -- JSON of agents.Checks
);
INSERT INTO approval_requests_next (id, workspace_id, channel, thread, requested_by, tool, args, preview, status, decided_by, reason,
    result, error, created_at, decided_at, finished_at)
SELECT id, workspace_id, channel, thread, requested_by, tool, args, preview, status, decided_by, reason, result, error, created_at,
    decided_at, finished_at FROM approval_requests;
DROP TABLE approval_requests;
ALTER TABLE approval_requests_next RENAME TO approval_requests;
CREATE INDEX approval_requests_workspace ON approval_requests (workspace_id, status, created_at);
