-- Tận Nhà schema, version 5: the relay's queries stop growing with the backlog.
-- Both indexes are partial (pending rows only), so they stay as small as the backlog however
-- many messages were ever sent.

-- The relay's sleep: MIN(next_attempt_at) over pending rows is one index seek.
CREATE INDEX outbox_due ON outbox(next_attempt_at) WHERE state = 'pending';

-- Pending rows in id order, with what outbox::due() needs to pick each chat's head (the first
-- row of its chat met in id order) and check it is due, without reading the rows themselves
-- (`state` is listed only so that SQLite sees the index as covering).
CREATE INDEX outbox_pending_order ON outbox(id, chat_id, next_attempt_at, state) WHERE state = 'pending';
