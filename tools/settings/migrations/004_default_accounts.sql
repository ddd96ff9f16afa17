-- Each workspace's default account per platform, used when a platform
-- matches several connected accounts: a JSON object platform → account id.
ALTER TABLE settings ADD COLUMN default_accounts TEXT NOT NULL DEFAULT '{}';
