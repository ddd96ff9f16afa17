-- Workspaces (Slack teams), their users, and REST API tokens.
CREATE TABLE tenants (
    id         TEXT PRIMARY KEY,          -- Slack team id
    name       TEXT NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL           -- unix ms
);

CREATE TABLE users (
    workspace_id TEXT NOT NULL REFERENCES tenants (id),
    id           TEXT NOT NULL,           -- Slack user id
    display_name TEXT NOT NULL DEFAULT '',
    time_zone    TEXT NOT NULL DEFAULT '',
    role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, id)
);

CREATE TABLE api_tokens (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    name         TEXT NOT NULL DEFAULT '',
    hash         TEXT NOT NULL UNIQUE,    -- hex SHA-256 of the token; the token itself is never stored
    prefix       TEXT NOT NULL,           -- first characters, to recognise a token in a list
    created_at   INTEGER NOT NULL,
    last_used_at INTEGER NOT NULL DEFAULT 0,
    revoked_at   INTEGER NOT NULL DEFAULT 0,
    FOREIGN KEY (workspace_id, user_id) REFERENCES users (workspace_id, id)
);
CREATE INDEX api_tokens_workspace ON api_tokens (workspace_id, created_at);
