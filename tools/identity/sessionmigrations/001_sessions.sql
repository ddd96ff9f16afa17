-- Dashboard sign-in: one-time links and browser sessions. Only SHA-256
-- hashes of the secrets are stored.
CREATE TABLE login_links (
    hash         TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    created_at   INTEGER NOT NULL,       -- unix ms
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX login_links_expires ON login_links (expires_at);

CREATE TABLE sessions (
    hash         TEXT PRIMARY KEY,
    id           TEXT NOT NULL UNIQUE,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    role         TEXT NOT NULL CHECK (role IN ('admin', 'editor', 'viewer')),
    via          TEXT NOT NULL,          -- link or token
    token_id     TEXT NOT NULL DEFAULT '',
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    ended_at     INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_expires ON sessions (expires_at);
