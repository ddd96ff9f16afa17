-- How many times reading the account back to settle an unknown outcome
-- failed for a reason that may pass (5xx, timeout); bounded by
-- Config.ReconcileTries.
ALTER TABLE social_post_deliveries ADD COLUMN checks INTEGER NOT NULL DEFAULT 0;
