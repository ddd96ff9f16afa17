-- The analytics sync reads each workspace's deliveries published in the last
-- days (Store.PublishedSince); only published rows are indexed.
CREATE INDEX social_post_deliveries_published ON social_post_deliveries (workspace_id, published_at)
    WHERE status = 'published';
