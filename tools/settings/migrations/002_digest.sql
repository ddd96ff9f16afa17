-- The weekly digest: where it goes ('' = the notification channel) and
-- whether it is sent ('' = on, the default; 'off').
ALTER TABLE settings ADD COLUMN digest_channel TEXT NOT NULL DEFAULT '';
ALTER TABLE settings ADD COLUMN weekly_digest TEXT NOT NULL DEFAULT '';
