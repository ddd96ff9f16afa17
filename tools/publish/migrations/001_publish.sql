-- Posts: the content as written, its variants, who wrote it and through which door.
CREATE TABLE social_posts (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    content      TEXT NOT NULL,               -- JSON publish.Content
    variants     TEXT NOT NULL DEFAULT '{}',  -- JSON {platform: text}
    created_by   TEXT NOT NULL,
    door         TEXT NOT NULL,
    scheduled_at INTEGER NOT NULL DEFAULT 0,  -- unix ms; 0: published now
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX social_posts_list ON social_posts (workspace_id, created_at, id);

-- One delivery per post and target account.
CREATE TABLE social_post_deliveries (
    id               TEXT PRIMARY KEY,
    workspace_id     TEXT NOT NULL,
    post_id          TEXT NOT NULL,
    account_id       TEXT NOT NULL,
    platform         TEXT NOT NULL,
    body             TEXT NOT NULL,           -- JSON platform.Post, exactly what is sent
    text_hash        TEXT NOT NULL,
    status           TEXT NOT NULL,
    rev              INTEGER NOT NULL,
    position         INTEGER NOT NULL DEFAULT 0, -- order among the post's targets
    attempts         INTEGER NOT NULL DEFAULT 0,
    platform_post_id TEXT NOT NULL DEFAULT '',
    url              TEXT NOT NULL DEFAULT '',
    last_error       TEXT NOT NULL DEFAULT '',
    job_id           TEXT NOT NULL DEFAULT '',
    run_at           INTEGER NOT NULL,
    started_at       INTEGER NOT NULL DEFAULT 0,
    verify_since     INTEGER NOT NULL DEFAULT 0,
    waiting_until    INTEGER NOT NULL DEFAULT 0,
    published_at     INTEGER NOT NULL DEFAULT 0,
    created_at       INTEGER NOT NULL,
    updated_at       INTEGER NOT NULL
);
CREATE INDEX social_post_deliveries_post ON social_post_deliveries (post_id);
CREATE INDEX social_post_deliveries_same_text ON social_post_deliveries (workspace_id, account_id, text_hash, run_at);
CREATE INDEX social_post_deliveries_started ON social_post_deliveries (workspace_id, account_id, started_at);

-- Idempotency-Key answers, per workspace and user; purged by the cleanup job.
CREATE TABLE idempotency_keys (
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    fingerprint  TEXT NOT NULL,
    status       INTEGER NOT NULL DEFAULT 0,  -- HTTP status of the answer; 0 while in progress
    body         BLOB,
    created_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id, key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
