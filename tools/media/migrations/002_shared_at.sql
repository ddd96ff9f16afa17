-- When the bytes were last shared (uploaded, or shared again into a
-- conversation): a conversation's media are listed in that order, so "this"
-- is the image shared last even when its bytes were uploaded long before.
ALTER TABLE media ADD COLUMN shared_at INTEGER NOT NULL DEFAULT 0; -- unix ms
UPDATE media SET shared_at = created_at;
