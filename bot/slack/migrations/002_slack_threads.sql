-- Where a post was asked for in Slack: its job outcome is told there.
CREATE TABLE slack_threads (
    workspace_id TEXT NOT NULL,
    post_id      TEXT NOT NULL,
    channel      TEXT NOT NULL,
    thread_ts    TEXT NOT NULL DEFAULT '',  -- '' : the channel itself
    expires_at   INTEGER NOT NULL,          -- unix ms; the cleanup job deletes expired rows
    PRIMARY KEY (workspace_id, post_id)
);
CREATE INDEX slack_threads_expires_at ON slack_threads (expires_at);
