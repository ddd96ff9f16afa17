-- Conversations: one per (workspace, channel, thread); its messages in order.
CREATE TABLE conversations (
    workspace_id TEXT NOT NULL,
    channel      TEXT NOT NULL,
    thread       TEXT NOT NULL,
    created_at   INTEGER NOT NULL, -- unix ms
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, channel, thread)
);

CREATE TABLE conversation_messages (
    id           INTEGER PRIMARY KEY AUTOINCREMENT, -- the order of the conversation
    workspace_id TEXT NOT NULL,
    channel      TEXT NOT NULL,
    thread       TEXT NOT NULL,
    message      TEXT NOT NULL,                     -- JSON llm.Message (opaque)
    created_at   INTEGER NOT NULL
);
CREATE INDEX conversation_messages_thread ON conversation_messages (workspace_id, channel, thread, id);

-- Every tool call and model call the orchestrator made.
CREATE TABLE agent_events (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL,
    channel           TEXT NOT NULL,
    thread            TEXT NOT NULL,
    user_id           TEXT NOT NULL,
    kind              TEXT NOT NULL CHECK (kind IN ('tool', 'model')),
    tool              TEXT NOT NULL DEFAULT '',
    args_digest       TEXT NOT NULL DEFAULT '',
    outcome           TEXT NOT NULL,
    error             TEXT NOT NULL DEFAULT '',
    duration_ms       INTEGER NOT NULL,
    prompt_tokens     INTEGER NOT NULL DEFAULT 0,
    completion_tokens INTEGER NOT NULL DEFAULT 0,
    created_at        INTEGER NOT NULL
);
CREATE INDEX agent_events_workspace ON agent_events (workspace_id, created_at);

-- Side-effecting actions the model asked for, waiting for a person.
CREATE TABLE approval_requests (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    channel      TEXT NOT NULL,
    thread       TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    tool         TEXT NOT NULL,
    args         TEXT NOT NULL,  -- JSON, as validated
    preview      TEXT NOT NULL,
    status       TEXT NOT NULL CHECK (status IN ('pending', 'rejected', 'running', 'done', 'failed')),
    decided_by   TEXT NOT NULL DEFAULT '',
    reason       TEXT NOT NULL DEFAULT '',
    result       TEXT NOT NULL DEFAULT '',  -- JSON of the tool's result
    error        TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    decided_at   INTEGER NOT NULL DEFAULT 0,
    finished_at  INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX approval_requests_workspace ON approval_requests (workspace_id, status, created_at);
