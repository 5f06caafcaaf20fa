-- The feed store. Designed for the append path: integer surrogate ids for authors, binary hashes,
-- and no index on a random key that every append must update.

-- Every author the store has seen, numbered densely so the log can refer to it in 4 bytes.
CREATE TABLE author (
    id       INT          NOT NULL PRIMARY KEY,
    feed_key BINARY(32)   NOT NULL,
    CONSTRAINT author_feed_key UNIQUE (feed_key)
);

-- The log: every validated message once, in the order this store received it.
CREATE TABLE message (
    log_seq     BIGINT       NOT NULL PRIMARY KEY,   -- receive order, assigned by the single writer
    author_id   INT          NOT NULL,
    seq         INT          NOT NULL,               -- ssb-validate limits sequences to 32 bits
    msg_key     BINARY(32)   NOT NULL,               -- sha256 of the signed JSON (the %id)
    claimed_ts  DOUBLE PRECISION,                    -- the author's timestamp; NULL when not a number
    received_ts DOUBLE PRECISION NOT NULL,           -- local receive time, strictly increasing
    msg_type    VARCHAR(52),                         -- content.type; NULL for private messages
    body        VARBINARY(65535) NOT NULL            -- the value as compact JSON, UTF-8
    -- No foreign key to author: the single writer inserts the author first, and a per-row check
    -- would cost the append path a lookup for nothing.
);
CREATE UNIQUE INDEX message_by_author_seq ON message (author_id, seq);

-- Lookups by message id. Ids are random, so indexing each append at once would rewrite pages all
-- over the index on every commit; instead the store keeps the newest ids in memory and adds them
-- here in large sorted batches. Which log entries are indexed is recorded in store_state, so the
-- ids of a store that was killed before a batch are found again in the log when it reopens.
CREATE TABLE message_key (
    key_prefix  BIGINT       NOT NULL,               -- first 8 bytes of msg_key
    log_seq     BIGINT       NOT NULL,
    PRIMARY KEY (key_prefix, log_seq)
);

CREATE TABLE store_state (
    name        VARCHAR(64)  NOT NULL PRIMARY KEY,
    num         BIGINT       NOT NULL
);
INSERT INTO store_state (name, num) VALUES ('keys_indexed_through', 0);
CREATE INDEX message_by_type ON message (msg_type, log_seq);

-- Threads: the messages whose content.root names a message id. A table of its own rather than an
-- index on the log, so the many messages that are no reply cost the append path nothing.
CREATE TABLE reply (
    root        BINARY(32)   NOT NULL,
    log_seq     BIGINT       NOT NULL,
    PRIMARY KEY (root, log_seq)
);

-- Proof of forks: signed messages that conflict with the stored chain of their feed. Never in the log.
CREATE TABLE fork (
    msg_key     BINARY(32)   NOT NULL PRIMARY KEY,
    author_id   INT          NOT NULL,
    seq         INT          NOT NULL,
    reason      VARCHAR(1000) NOT NULL,
    received_ts DOUBLE PRECISION NOT NULL,
    body        VARBINARY(65535) NOT NULL,
    CONSTRAINT fork_author FOREIGN KEY (author_id) REFERENCES author (id)
);
CREATE INDEX fork_by_author ON fork (author_id, seq);
