-- Uploaded media (tools/media) an item carries beside its media URLs, and
-- how many of them are videos (read from the media when they are attached).
ALTER TABLE content_library ADD COLUMN media_ids TEXT NOT NULL DEFAULT '[]'; -- JSON [media id]
ALTER TABLE content_library ADD COLUMN media_videos INTEGER NOT NULL DEFAULT 0;
