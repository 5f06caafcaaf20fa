-- A room's aliases (DATA/room/room.mv.db), a database of their own like the invites'.
--
-- An alias names one member; the member's signature over "=room-alias-registration:ROOM:FEED:ALIAS" is
-- kept, since the alias page hands it out for clients to check.
CREATE TABLE room_alias (
    alias       VARCHAR(63)   NOT NULL PRIMARY KEY,  -- an RFC 1035 label, lower case
    member_key  BINARY(32)    NOT NULL,              -- ed25519 public key of the member
    signature   VARCHAR(200)  NOT NULL,              -- ssb-keys form: BASE64.sig.ed25519
    created_at  BIGINT        NOT NULL               -- ms since the epoch
);
