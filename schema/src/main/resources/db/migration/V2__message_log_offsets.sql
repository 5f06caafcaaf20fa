-- Message bodies move out of H2 into the message log (store/log/*.log): this table becomes an index
-- that points into it. A Java step of the store fills log_offset by streaming the bodies of an older
-- store into the log; V3 then drops the body column.
ALTER TABLE message ADD COLUMN log_offset BIGINT;

-- The rows of message and reply are written off the append path, in batches, from the log: the last
-- log position they cover and the log offset just past it. Opening indexes whatever the log holds beyond.
INSERT INTO store_state (name, num) VALUES ('indexed_through', 0);
INSERT INTO store_state (name, num) VALUES ('indexed_log_end', 0);
