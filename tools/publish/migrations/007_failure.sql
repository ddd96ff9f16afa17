-- Why a delivery failed, classified (tools/fault): kind, platform, the
-- platform's words, the media link, when to retry. JSON; '' for none.
ALTER TABLE social_post_deliveries ADD COLUMN failure TEXT NOT NULL DEFAULT '';
