-- Message ids move out of H2 into the id index's sorted runs (store/ids/*.run): random keys in a B-tree
-- cost the append path more than the signature check. Opening the store indexes the ids of every row
-- again from message.msg_key, and the runs record how far they reach themselves.
DROP TABLE message_key;
DELETE FROM store_state WHERE name = 'keys_indexed_through';
