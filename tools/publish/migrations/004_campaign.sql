-- A post may belong to a marketing campaign (tools/campaigns owns them);
-- '' is none. Listing a campaign's posts reads newest first on the index.
ALTER TABLE social_posts ADD COLUMN campaign_id TEXT NOT NULL DEFAULT '';
CREATE INDEX social_posts_campaign ON social_posts (workspace_id, campaign_id, created_at, id);
