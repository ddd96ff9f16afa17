-- What the assistant remembers: about the workspace (brand voice, audience,
-- products, dos and don'ts) and about each user (preferences).
CREATE TABLE global_memory (
    workspace_id TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    updated_by   TEXT NOT NULL,
    updated_at   INTEGER NOT NULL, -- unix ms
    PRIMARY KEY (workspace_id, key)
);

CREATE TABLE user_memory (
    workspace_id TEXT NOT NULL,
    user_id      TEXT NOT NULL,
    key          TEXT NOT NULL,
    value        TEXT NOT NULL,
    updated_at   INTEGER NOT NULL,
    PRIMARY KEY (workspace_id, user_id, key)
);
