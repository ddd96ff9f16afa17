-- Comments and mentions of a workspace's accounts: one row per platform
-- item, whoever delivered it (webhook or poll).
CREATE TABLE inbox_items (
    id                 TEXT PRIMARY KEY,            -- derived from (workspace, platform, external id)
    workspace_id       TEXT NOT NULL,
    account_id         TEXT NOT NULL,
    platform           TEXT NOT NULL,
    external_id        TEXT NOT NULL,
    post_id            TEXT NOT NULL DEFAULT '',
    post_external_id   TEXT NOT NULL DEFAULT '',
    post_text          TEXT NOT NULL DEFAULT '',
    parent_external_id TEXT NOT NULL DEFAULT '',
    author_name        TEXT NOT NULL DEFAULT '',
    author_handle      TEXT NOT NULL DEFAULT '',
    text               TEXT NOT NULL DEFAULT '',
    permalink          TEXT NOT NULL DEFAULT '',
    kind               TEXT NOT NULL,
    state              TEXT NOT NULL,
    replies            TEXT NOT NULL DEFAULT '[]',  -- JSON []Reply with keys
    handled_by         TEXT NOT NULL DEFAULT '',
    created_at         INTEGER NOT NULL,            -- unix ms, on the platform
    received_at        INTEGER NOT NULL,
    answered_at        INTEGER NOT NULL DEFAULT 0,
    announced          INTEGER NOT NULL DEFAULT 0,  -- 1 once posted to Slack
    slack_channel      TEXT NOT NULL DEFAULT '',
    slack_ts           TEXT NOT NULL DEFAULT '',
    claim_owner        TEXT NOT NULL DEFAULT '',
    claim_until        INTEGER NOT NULL DEFAULT 0,
    UNIQUE (workspace_id, platform, external_id)
);
CREATE INDEX inbox_items_list ON inbox_items (workspace_id, received_at, id);
CREATE INDEX inbox_items_unannounced ON inbox_items (announced, claim_until) WHERE announced = 0;

-- Where each account's poll stopped.
CREATE TABLE inbox_cursors (
    workspace_id TEXT NOT NULL,
    account_id   TEXT NOT NULL,
    cursor       TEXT NOT NULL,
    PRIMARY KEY (workspace_id, account_id)
);
