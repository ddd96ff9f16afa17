-- Uploaded images and videos: the metadata; the bytes are in the blob
-- store (files under the data directory), named by blob_key.
CREATE TABLE media (
    workspace_id  TEXT NOT NULL,
    id            TEXT NOT NULL,
    sha256        TEXT NOT NULL,
    blob_key      TEXT NOT NULL,
    uploaded_by   TEXT NOT NULL DEFAULT '',
    name          TEXT NOT NULL DEFAULT '',
    content_type  TEXT NOT NULL,
    alt           TEXT NOT NULL DEFAULT '',
    source        TEXT NOT NULL DEFAULT '',
    conversations TEXT NOT NULL DEFAULT '[]', -- JSON array of conversation keys
    bytes         INTEGER NOT NULL,
    width         INTEGER NOT NULL DEFAULT 0,
    height        INTEGER NOT NULL DEFAULT 0,
    duration_ms   INTEGER NOT NULL DEFAULT 0,
    used_by       TEXT NOT NULL DEFAULT '[]', -- JSON array: "post:<id>", "library:<id>"
    created_at    INTEGER NOT NULL,           -- unix ms
    PRIMARY KEY (workspace_id, id),
    UNIQUE (workspace_id, sha256)
);
CREATE INDEX media_by_time ON media (workspace_id, created_at DESC, id DESC);
