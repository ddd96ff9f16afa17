-- The duplicate guard looks up an account's deliveries by text hash and then
-- by run time; the few rows sharing a text are filtered on run_at without
-- the index. Keeping run_at out of the index means saving a delivery (two
-- saves per send, run_at among the columns written) never touches it.
DROP INDEX social_post_deliveries_same_text;
CREATE INDEX social_post_deliveries_same_text ON social_post_deliveries (workspace_id, account_id, text_hash);
