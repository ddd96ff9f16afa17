-- How long the assistant's conversations are kept, in days; 0: the default.
ALTER TABLE settings ADD COLUMN conversation_retention_days INTEGER NOT NULL DEFAULT 0;
