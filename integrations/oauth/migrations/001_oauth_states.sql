-- Pending OAuth authorizations. The state itself is never stored: id is its
-- SHA-256. Single-use: used_at is set by the one callback that consumes it.
CREATE TABLE oauth_states (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    door         TEXT NOT NULL DEFAULT '',
    platform     TEXT NOT NULL,
    redirect_uri TEXT NOT NULL,
    verifier     TEXT NOT NULL DEFAULT '', -- PKCE verifier, sealed by the vault
    return_to    TEXT NOT NULL DEFAULT '', -- where to report back (opaque JSON)
    created_at   INTEGER NOT NULL,
    expires_at   INTEGER NOT NULL,
    used_at      INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX oauth_states_expires_at ON oauth_states (expires_at);
