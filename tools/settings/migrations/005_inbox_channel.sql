-- The Slack channel new inbox items (comments, mentions) are posted to;
-- '' = none: the inbox is only on the dashboard.
ALTER TABLE settings ADD COLUMN inbox_channel TEXT NOT NULL DEFAULT '';
