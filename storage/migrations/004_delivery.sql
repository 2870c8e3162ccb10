-- Tận Nhà schema, version 4: what delivery needs to be trusted and operated.
-- Instants are Unix seconds (UTC), as in 001.

-- The platform's id of each delivered message, and when a message was given up on (for the
-- operator's listing and the leaders' next brief).
ALTER TABLE outbox ADD COLUMN platform_message_id TEXT NOT NULL DEFAULT '';
ALTER TABLE outbox ADD COLUMN failed_at INTEGER;

-- Dead rows are few: a partial index keeps counting and listing them cheap however large the
-- table of sent messages grows.
CREATE INDEX outbox_dead ON outbox(id) WHERE state = 'dead';
CREATE INDEX outbox_failed_at ON outbox(failed_at) WHERE state = 'dead';

-- Long polling: the next Telegram offset (last update_id + 1), kept so a restart does not read
-- the same updates again. Zalo has no offset; its redeliveries are caught by processed_updates.
CREATE TABLE poll_state (
  platform     TEXT PRIMARY KEY,
  next_offset  INTEGER NOT NULL,
  updated_at   INTEGER NOT NULL
) WITHOUT ROWID;
