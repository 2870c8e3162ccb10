-- Tận Nhà schema, version 8: when each person was last pointed to /giup in a group.
-- A mention of the bot with free text and no command gets a one-line pointer at most once per
-- person per hour; the time is kept here (not in memory) so that a restart does not repeat it.
CREATE TABLE group_hints (
  user_id TEXT PRIMARY KEY,
  sent_at INTEGER NOT NULL
) WITHOUT ROWID;
