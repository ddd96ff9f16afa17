-- Slack deliveries already handled (event ids, across replicas) and the
-- teams that installed the app (multi-workspace OAuth install).
CREATE TABLE slack_seen (
    id         TEXT PRIMARY KEY,          -- "event:<event_id>" and the like
    expires_at INTEGER NOT NULL           -- unix ms; the cleanup job deletes expired rows
);
CREATE INDEX slack_seen_expires_at ON slack_seen (expires_at);

CREATE TABLE slack_installs (
    team_id      TEXT PRIMARY KEY,
    team_name    TEXT NOT NULL DEFAULT '',
    app_id       TEXT NOT NULL DEFAULT '',
    bot_user_id  TEXT NOT NULL DEFAULT '',
    bot_token    TEXT NOT NULL,            -- sealed by the vault, never plain
    scope        TEXT NOT NULL DEFAULT '',
    installed_by TEXT NOT NULL DEFAULT '',
    installed_at INTEGER NOT NULL
);
