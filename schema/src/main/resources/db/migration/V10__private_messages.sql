-- Private messages (box1) the local identity can read, found by trying each boxed message once as it
-- arrives (and once over what was stored before). The log keeps the ciphertext as received; this table
-- keeps the slot's unbox key, so a message is opened again with one secretbox and no X25519, and what
-- listing conversations needs without opening every message: its thread root and recipients.
CREATE TABLE private_message (
    log_seq     BIGINT        NOT NULL PRIMARY KEY,   -- the message's position in the log
    root        BINARY(32)    NOT NULL,               -- the conversation: content.root, else the message's own id
    recipients  VARCHAR(500)  NOT NULL,               -- the content's recps, feed ids separated by spaces
    unbox_key   BINARY(33)    NOT NULL,               -- the slot's count byte and body key
    is_read     BOOLEAN       NOT NULL                -- the local user has seen it (their own messages: always)
);
CREATE INDEX private_message_by_root ON private_message (root, log_seq);

-- How far the log has been looked through for private messages, and for whom (the first 8 bytes of the
-- reader's feed key: another identity in the same data directory starts the index afresh).
INSERT INTO store_state (name, num) VALUES ('private_indexed_through', 0);
INSERT INTO store_state (name, num) VALUES ('private_reader', 0);
