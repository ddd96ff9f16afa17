-- The cleanup job forgets conversation messages older than the workspace's
-- retention, and the conversations left empty.
CREATE INDEX conversation_messages_age ON conversation_messages (workspace_id, created_at);
CREATE INDEX conversation_messages_created ON conversation_messages (created_at);
CREATE INDEX conversations_age ON conversations (workspace_id, updated_at);
