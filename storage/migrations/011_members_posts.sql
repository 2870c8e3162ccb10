-- Tận Nhà schema, version 11: a unit whose posts go privately to its members (issue 13).

-- Replies to a command go before broadcast copies (a post fanned out to 40 members must not
-- hold back the answer to someone typing a command): 0 a reply, 1 a post or a copy of one.
-- The relay still sends each chat's rows in id order; priority only orders the chats' heads.
ALTER TABLE outbox ADD COLUMN priority INTEGER NOT NULL DEFAULT 0;

-- outbox::due() reads each head's priority from the index it walks, so the index stays covering.
DROP INDEX outbox_pending_order;
CREATE INDEX outbox_pending_order ON outbox(id, chat_id, next_attempt_at, priority, state) WHERE state = 'pending';

-- What each member chose to receive privately (/thongbao). Only choices differing from the
-- role's default are meaningful, but every choice made is kept as made. kind: the folded name
-- of a kind of post ("bantin", "quahan", …; handlers/unit_posts.cpp).
CREATE TABLE post_choices (
  unit_id     TEXT NOT NULL REFERENCES units(id),
  user_id     TEXT NOT NULL,
  kind        TEXT NOT NULL,
  enabled     INTEGER NOT NULL,
  updated_at  INTEGER NOT NULL,
  PRIMARY KEY (unit_id, user_id, kind)
) WITHOUT ROWID;
