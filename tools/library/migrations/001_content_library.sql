-- The content library: content and templates (kind), one row per item.
-- tag_keys and search_keys are derived from the item on every write
-- (tools/library: lowercased tags; every word's prefixes) and are what the
-- tag filter and the text search match, the same way on both backends.
CREATE TABLE content_library (
    id           TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL,
    kind         TEXT NOT NULL,               -- content | template
    title        TEXT NOT NULL,
    body         TEXT NOT NULL DEFAULT '',
    variants     TEXT NOT NULL DEFAULT '{}',  -- JSON {platform: text}
    media_urls   TEXT NOT NULL DEFAULT '[]',  -- JSON [url]
    link         TEXT NOT NULL DEFAULT '',
    tags         TEXT NOT NULL DEFAULT '[]',  -- JSON, as written
    tag_keys     TEXT NOT NULL DEFAULT '[]',  -- JSON, lowercased
    search_keys  TEXT NOT NULL DEFAULT '[]',  -- JSON word prefixes
    campaign_id  TEXT NOT NULL DEFAULT '',
    created_by   TEXT NOT NULL,
    created_at   INTEGER NOT NULL,            -- unix ms
    updated_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    rev          INTEGER NOT NULL
);
CREATE INDEX content_library_list ON content_library (workspace_id, kind, created_at, id);
CREATE INDEX content_library_campaign ON content_library (workspace_id, campaign_id);
