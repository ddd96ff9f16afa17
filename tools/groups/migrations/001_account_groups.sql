-- Named account groups ("Acme Outdoor" = its LinkedIn page, X and
-- Instagram accounts): a post "to Acme Outdoor" goes to each.
CREATE TABLE account_groups (
    workspace_id TEXT NOT NULL,
    key          TEXT NOT NULL,              -- the name, lowercased
    name         TEXT NOT NULL,
    account_ids  TEXT NOT NULL DEFAULT '[]', -- JSON array of account ids
    updated_by   TEXT NOT NULL DEFAULT '',
    updated_at   INTEGER NOT NULL DEFAULT 0, -- unix ms
    PRIMARY KEY (workspace_id, key)
);
