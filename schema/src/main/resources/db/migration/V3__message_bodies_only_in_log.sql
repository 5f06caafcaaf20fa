-- Every body is in the message log now (moved by the store's Java step after V2): the table keeps
-- only what the indexes need.
ALTER TABLE message DROP COLUMN body;
ALTER TABLE message ALTER COLUMN log_offset SET NOT NULL;
