-- Daily metrics: one row per (workspace, kind, subject, day). kind "post": the
-- subject is a delivery (a post on one account); kind "account": the subject
-- is the account. A NULL figure is one the platform did not give: unknown,
-- never zero.
CREATE TABLE analytics_data (
    workspace_id     TEXT NOT NULL,
    kind             TEXT NOT NULL,
    subject_id       TEXT NOT NULL,
    day              TEXT NOT NULL,            -- YYYY-MM-DD, UTC
    account_id       TEXT NOT NULL,
    platform         TEXT NOT NULL,
    post_id          TEXT NOT NULL DEFAULT '',
    platform_post_id TEXT NOT NULL DEFAULT '',
    impressions      INTEGER,
    reach            INTEGER,
    likes            INTEGER,
    comments         INTEGER,
    shares           INTEGER,
    clicks           INTEGER,
    saves            INTEGER,
    video_views      INTEGER,
    followers        INTEGER,
    fetched_at       INTEGER NOT NULL,         -- unix ms
    PRIMARY KEY (workspace_id, kind, subject_id, day)
);
CREATE INDEX analytics_data_post ON analytics_data (workspace_id, post_id, day);
CREATE INDEX analytics_data_account ON analytics_data (workspace_id, account_id, day);
