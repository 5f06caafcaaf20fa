-- The pub's invites, in a database of their own (DATA/invites/invites.mv.db) so that the feed store's
-- migrations and locks never meet them.
--
-- An invite is known by the public key of the key pair its code carries (the "@key" the redeemer
-- authenticates with). The seed of that key pair is only in the code that was handed out: it is never
-- stored, so a copy of this database cannot be used to redeem anything.
CREATE TABLE invite (
    invite_key  BINARY(32)    NOT NULL PRIMARY KEY,  -- ed25519 public key of the invite's key pair
    total_uses  INT           NOT NULL,
    used_count  INT           NOT NULL DEFAULT 0,
    created_at  BIGINT        NOT NULL,              -- ms since the epoch
    expires_at  BIGINT,                              -- ms since the epoch; null: never
    note        VARCHAR(1000),                       -- published with the pub's follow of each newcomer
    revoked     BOOLEAN       NOT NULL DEFAULT FALSE,
    -- the counting UPDATE checks used_count < total_uses itself; this makes an overcount impossible anyway
    CONSTRAINT invite_uses_in_range CHECK (total_uses >= 1 AND used_count BETWEEN 0 AND total_uses)
);
