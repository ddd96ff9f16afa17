-- Connected accounts: one row per publishable identity (a Facebook Page, an
-- Instagram business account, an X user, a LinkedIn member or organization).
-- Token columns hold vault ciphertexts only (integrations/oauth), bound to
-- (workspace, platform, external id, field).
CREATE TABLE social_accounts (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL,
    platform          TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    kind              TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL DEFAULT '',
    handle            TEXT NOT NULL DEFAULT '',
    avatar_url        TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,            -- connected | needs_reauth | disconnected
    status_reason     TEXT NOT NULL DEFAULT '',
    connected_by      TEXT NOT NULL DEFAULT '',
    connected_at      INTEGER NOT NULL,
    grant_id          TEXT NOT NULL DEFAULT '', -- accounts revealed by one authorization share it
    derived           INTEGER NOT NULL DEFAULT 0, -- the access token is the account's own (Page token)
    access_token      TEXT NOT NULL DEFAULT '',
    refresh_token     TEXT NOT NULL DEFAULT '',
    token_expires_at  INTEGER NOT NULL DEFAULT 0, -- 0: does not expire
    token_obtained_at INTEGER NOT NULL DEFAULT 0,
    refresh_failed_at INTEGER NOT NULL DEFAULT 0,
    refresh_error     TEXT NOT NULL DEFAULT '',
    api_domain        TEXT NOT NULL DEFAULT '',
    accounts_server   TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1, -- bumped by every token write
    updated_at        INTEGER NOT NULL,
    UNIQUE (workspace_id, platform, external_id)
);
CREATE INDEX social_accounts_expiring ON social_accounts (status, token_expires_at);

-- Zoho grants, one per workspace (platform 'zoho', external_id ''), same shape.
CREATE TABLE zoho_tokens (
    id                TEXT PRIMARY KEY,
    workspace_id      TEXT NOT NULL,
    platform          TEXT NOT NULL,
    external_id       TEXT NOT NULL,
    kind              TEXT NOT NULL DEFAULT '',
    name              TEXT NOT NULL DEFAULT '',
    handle            TEXT NOT NULL DEFAULT '',
    avatar_url        TEXT NOT NULL DEFAULT '',
    status            TEXT NOT NULL,
    status_reason     TEXT NOT NULL DEFAULT '',
    connected_by      TEXT NOT NULL DEFAULT '',
    connected_at      INTEGER NOT NULL,
    grant_id          TEXT NOT NULL DEFAULT '',
    derived           INTEGER NOT NULL DEFAULT 0,
    access_token      TEXT NOT NULL DEFAULT '',
    refresh_token     TEXT NOT NULL DEFAULT '',
    token_expires_at  INTEGER NOT NULL DEFAULT 0,
    token_obtained_at INTEGER NOT NULL DEFAULT 0,
    refresh_failed_at INTEGER NOT NULL DEFAULT 0,
    refresh_error     TEXT NOT NULL DEFAULT '',
    api_domain        TEXT NOT NULL DEFAULT '',
    accounts_server   TEXT NOT NULL DEFAULT '',
    version           INTEGER NOT NULL DEFAULT 1,
    updated_at        INTEGER NOT NULL,
    UNIQUE (workspace_id, platform, external_id)
);
CREATE INDEX zoho_tokens_expiring ON zoho_tokens (status, token_expires_at);
