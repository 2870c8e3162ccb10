-- Tận Nhà schema, version 19: a user may keep several unfinished forms in one chat (issue 14,
-- item 4: a village head waiting to fix one line of a form sends /dangky for another person).
-- Drafts get an id of their own instead of the (chat_id, user_id) key, and remember the bot's
-- latest message about them, so that a platform reply to that message picks the draft.
CREATE TABLE drafts_v19 (
  id               INTEGER PRIMARY KEY,
  chat_id          TEXT NOT NULL,
  user_id          TEXT NOT NULL,
  unit_id          TEXT NOT NULL REFERENCES units(id),
  kind             TEXT NOT NULL,      -- 'dangky' (a form) | 'chon' (a question: which form an answer is for)
  body             TEXT NOT NULL,      -- JSON
  expires_at       INTEGER NOT NULL,
  asked_outbox_id  INTEGER NOT NULL DEFAULT 0  -- outbox row of the bot's latest message about it; 0: none
);

-- The one draft each user had keeps working, as that user's first draft.
INSERT INTO drafts_v19(chat_id, user_id, unit_id, kind, body, expires_at)
  SELECT chat_id, user_id, unit_id, kind, body, expires_at FROM drafts ORDER BY expires_at, chat_id, user_id;
DROP TABLE drafts;
ALTER TABLE drafts_v19 RENAME TO drafts;

CREATE INDEX drafts_by_owner ON drafts(chat_id, user_id, id);
