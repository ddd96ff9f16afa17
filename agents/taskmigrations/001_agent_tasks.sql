-- The turns of the web chat as they run: what the person said, the tool
-- progress, the answer so far and how the turn ended. Any replica reads them.
CREATE TABLE agent_tasks (
    id             TEXT PRIMARY KEY,
    workspace_id   TEXT NOT NULL,
    channel        TEXT NOT NULL,
    thread         TEXT NOT NULL,
    user_id        TEXT NOT NULL,
    text           TEXT NOT NULL,
    status         TEXT NOT NULL CHECK (status IN ('running', 'done', 'failed', 'stopped')),
    answer         TEXT NOT NULL DEFAULT '',
    steps          TEXT NOT NULL DEFAULT '[]', -- JSON []TaskStep (opaque)
    approvals      TEXT NOT NULL DEFAULT '[]', -- JSON []TaskApproval (opaque)
    results        TEXT NOT NULL DEFAULT '',   -- JSON of the turn's typed results (opaque)
    stop_requested INTEGER NOT NULL DEFAULT 0,
    created_at     INTEGER NOT NULL, -- unix ms
    updated_at     INTEGER NOT NULL
);
CREATE INDEX agent_tasks_conversation ON agent_tasks (workspace_id, channel, thread, created_at);
CREATE INDEX agent_tasks_updated ON agent_tasks (updated_at);
