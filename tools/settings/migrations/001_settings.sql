-- Workspace settings: one row per workspace. An empty column means "the
-- default" (tools/settings applies it when reading), so a workspace nobody
-- configured needs no row.
CREATE TABLE settings (
    workspace_id         TEXT PRIMARY KEY,
    approval_policy      TEXT NOT NULL DEFAULT '', -- agent | always | never
    notification_channel TEXT NOT NULL DEFAULT '', -- Slack channel id
    time_zone            TEXT NOT NULL DEFAULT '', -- IANA name
    default_role         TEXT NOT NULL DEFAULT '', -- editor | viewer
    updated_by           TEXT NOT NULL DEFAULT '',
    updated_at           INTEGER NOT NULL DEFAULT 0 -- unix ms
);
