-- Marketing campaigns: a name, goal, dates and tag grouping posts and e-mail
-- campaigns; crm_campaign_id links one to a Zoho CRM Campaigns record.
CREATE TABLE campaigns (
    id              TEXT PRIMARY KEY,
    workspace_id    TEXT NOT NULL,
    name            TEXT NOT NULL,
    goal            TEXT NOT NULL DEFAULT '',
    start_date      TEXT NOT NULL DEFAULT '',  -- YYYY-MM-DD or ''
    end_date        TEXT NOT NULL DEFAULT '',
    tag             TEXT NOT NULL DEFAULT '',
    crm_campaign_id TEXT NOT NULL DEFAULT '',
    created_by      TEXT NOT NULL DEFAULT '',
    created_at      INTEGER NOT NULL,          -- unix ms
    updated_at      INTEGER NOT NULL,
    rev             INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX campaigns_workspace ON campaigns (workspace_id, created_at);

-- Zoho Campaigns e-mail campaigns. content_key names the public URL Zoho
-- reads the HTML from; campaign_key is Zoho's. status: draft, scheduled,
-- sending (marked before the Zoho call), sent, failed, cancelled.
CREATE TABLE email_campaigns (
    id            TEXT PRIMARY KEY,
    workspace_id  TEXT NOT NULL,
    campaign_id   TEXT NOT NULL DEFAULT '',    -- the marketing campaign, or ''
    name          TEXT NOT NULL,
    subject       TEXT NOT NULL,
    from_email    TEXT NOT NULL,
    from_name     TEXT NOT NULL DEFAULT '',
    html          TEXT NOT NULL DEFAULT '',
    text          TEXT NOT NULL DEFAULT '',
    list_keys     TEXT NOT NULL,               -- JSON array
    content_key   TEXT NOT NULL UNIQUE,
    campaign_key  TEXT NOT NULL DEFAULT '',
    status        TEXT NOT NULL,
    scheduled_at  INTEGER NOT NULL DEFAULT 0,
    job_id        TEXT NOT NULL DEFAULT '',
    sent_at       INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT NOT NULL DEFAULT '',
    report        TEXT NOT NULL DEFAULT '',    -- JSON of the last report read
    report_at     INTEGER NOT NULL DEFAULT 0,
    created_by    TEXT NOT NULL DEFAULT '',
    created_at    INTEGER NOT NULL,
    updated_at    INTEGER NOT NULL,
    rev           INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX email_campaigns_workspace ON email_campaigns (workspace_id, created_at);
CREATE INDEX email_campaigns_sent ON email_campaigns (workspace_id, status, sent_at);

-- Zoho CRM records cached per workspace and module; search is the lowercased
-- name, e-mail and company; data is the record as Zoho sent it.
CREATE TABLE zoho_crm_records (
    workspace_id TEXT NOT NULL,
    module       TEXT NOT NULL,
    record_id    TEXT NOT NULL,
    name         TEXT NOT NULL DEFAULT '',
    email        TEXT NOT NULL DEFAULT '',
    company      TEXT NOT NULL DEFAULT '',
    created_time TEXT NOT NULL DEFAULT '',     -- as Zoho writes it (RFC 3339)
    search       TEXT NOT NULL DEFAULT '',
    data         TEXT NOT NULL,
    fetched_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, module, record_id)
);
CREATE INDEX zoho_crm_records_recent ON zoho_crm_records (workspace_id, module, created_time);

-- When each module's cache was last filled, and Zoho's record count then.
CREATE TABLE zoho_crm_fetches (
    workspace_id TEXT NOT NULL,
    module       TEXT NOT NULL,
    total        INTEGER NOT NULL,
    fetched_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, module)
);
