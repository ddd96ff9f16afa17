-- Snapshots gain: the hour of capture and the day of publication, both in
-- the workspace's time zone (history and rollups need no date operators);
-- the marketing campaign a post or e-mail belongs to; e-mail campaign
-- figures (kind "email", subject: Zoho's campaign key) and new CRM leads
-- (kind "leads", subject: created day and source). NULL is unknown.
ALTER TABLE analytics_data ADD COLUMN hour INTEGER NOT NULL DEFAULT 0;
ALTER TABLE analytics_data ADD COLUMN published_day TEXT NOT NULL DEFAULT '';
ALTER TABLE analytics_data ADD COLUMN published_at INTEGER NOT NULL DEFAULT 0; -- unix ms
ALTER TABLE analytics_data ADD COLUMN campaign_id TEXT NOT NULL DEFAULT '';
ALTER TABLE analytics_data ADD COLUMN source TEXT NOT NULL DEFAULT '';
ALTER TABLE analytics_data ADD COLUMN sent INTEGER;
ALTER TABLE analytics_data ADD COLUMN delivered INTEGER;
ALTER TABLE analytics_data ADD COLUMN opens INTEGER;
ALTER TABLE analytics_data ADD COLUMN bounces INTEGER;
ALTER TABLE analytics_data ADD COLUMN unsubscribes INTEGER;
ALTER TABLE analytics_data ADD COLUMN leads INTEGER;
CREATE INDEX analytics_data_published ON analytics_data (workspace_id, published_day, subject_id, day);

-- Rollups: per workspace, day (of publication; of capture for followers),
-- kind (social, email, leads), subject (account id, "", lead source) and
-- marketing campaign, the sums of each subject's latest figures. Rebuilt
-- for a whole workspace-day from analytics_data whenever its snapshots
-- change, so they always equal a recomputation.
CREATE TABLE analytics_rollups (
    workspace_id     TEXT NOT NULL,
    day              TEXT NOT NULL,
    kind             TEXT NOT NULL,
    subject          TEXT NOT NULL,
    campaign_id      TEXT NOT NULL,
    platform         TEXT NOT NULL,
    posts            INTEGER NOT NULL,
    impressions      INTEGER,
    reach            INTEGER,
    likes            INTEGER,
    comments         INTEGER,
    shares           INTEGER,
    clicks           INTEGER,
    saves            INTEGER,
    video_views      INTEGER,
    followers        INTEGER,
    sent             INTEGER,
    delivered        INTEGER,
    opens            INTEGER,
    bounces          INTEGER,
    unsubscribes     INTEGER,
    leads            INTEGER,
    engagement       INTEGER,
    rate_engagement  INTEGER,
    rate_impressions INTEGER,
    PRIMARY KEY (workspace_id, day, kind, subject, campaign_id)
);
CREATE INDEX analytics_rollups_campaign ON analytics_rollups (workspace_id, campaign_id, day);
