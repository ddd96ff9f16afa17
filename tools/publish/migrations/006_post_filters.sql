-- ListPosts with a time window reads the posts by their time: the scheduled
-- time, or the created time for a post sent now (the same expression as the
-- query). Filters on a delivery's status or platform probe each post's
-- deliveries through the post_id index: no index on status, which every
-- save writes.
CREATE INDEX social_posts_when ON social_posts (workspace_id, (CASE WHEN scheduled_at > 0 THEN scheduled_at ELSE created_at END));
