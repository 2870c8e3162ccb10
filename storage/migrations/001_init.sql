-- Tận Nhà schema, version 1: units, members, citizens, procedures, requests with their
-- append-only history, the outbox, processed updates, form drafts and the audit trail.
-- Instants are Unix seconds (UTC); calendar days are ISO text 'YYYY-MM-DD' in unit-local time.

CREATE TABLE units (
  id             TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  chat_id        TEXT NOT NULL UNIQUE,
  next_number    INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE villages (
  unit_id  TEXT NOT NULL REFERENCES units(id),
  name     TEXT NOT NULL,
  PRIMARY KEY (unit_id, name)
);

CREATE TABLE members (
  unit_id     TEXT NOT NULL REFERENCES units(id),
  user_id     TEXT NOT NULL,
  role        TEXT NOT NULL CHECK (role IN ('lanhdao','canbo','truongthon','tinhnguyen')),
  village     TEXT,
  display_name TEXT NOT NULL DEFAULT '',
  source      TEXT NOT NULL DEFAULT 'invite',  -- 'config' for admins from the config
  joined_at   INTEGER NOT NULL,
  PRIMARY KEY (unit_id, user_id)
);
CREATE INDEX members_by_user ON members(user_id);

CREATE TABLE procedures (
  code             TEXT PRIMARY KEY,
  name             TEXT NOT NULL,
  field            TEXT NOT NULL,
  processing_days  INTEGER NOT NULL
);

CREATE TABLE citizens (
  id           INTEGER PRIMARY KEY,
  unit_id      TEXT NOT NULL REFERENCES units(id),
  full_name    TEXT NOT NULL,
  folded_name  TEXT NOT NULL,
  birth_year   INTEGER,
  village      TEXT NOT NULL,
  address      TEXT NOT NULL DEFAULT '',
  phone        TEXT NOT NULL DEFAULT '',
  categories   TEXT NOT NULL DEFAULT '',   -- ';'-separated display names
  notes        TEXT NOT NULL DEFAULT '',
  approved     INTEGER NOT NULL DEFAULT 0,  -- on the unit's approved list
  created_at   INTEGER NOT NULL
);
CREATE INDEX citizens_lookup ON citizens(unit_id, folded_name, birth_year, village);

CREATE TABLE requests (
  id              INTEGER PRIMARY KEY,
  unit_id         TEXT NOT NULL REFERENCES units(id),
  number          INTEGER NOT NULL,
  citizen_id      INTEGER NOT NULL REFERENCES citizens(id),
  procedure_code  TEXT NOT NULL REFERENCES procedures(code),
  state           TEXT NOT NULL,
  registered_by   TEXT NOT NULL,
  registered_chat TEXT NOT NULL,
  registered_at   INTEGER NOT NULL,
  proposed_day    TEXT,             -- the slot rule's visit day
  visit_day       TEXT,             -- the scheduled visit day
  visit_time      TEXT,             -- 'HH:MM'
  team            TEXT NOT NULL DEFAULT '',
  dossier_code    TEXT NOT NULL DEFAULT '',
  received_at     INTEGER,
  due_day         TEXT,
  result_at       INTEGER,
  returned_at     INTEGER,
  return_way      TEXT NOT NULL DEFAULT '',
  rating          INTEGER,
  rating_note     TEXT NOT NULL DEFAULT '',
  notes           TEXT NOT NULL DEFAULT '',
  UNIQUE (unit_id, number)
);
CREATE INDEX requests_by_state ON requests(unit_id, state);
CREATE INDEX requests_by_day ON requests(unit_id, visit_day);
CREATE INDEX requests_by_proposed ON requests(unit_id, proposed_day);
CREATE INDEX requests_by_citizen ON requests(citizen_id, procedure_code);
CREATE INDEX requests_by_registered ON requests(unit_id, registered_at);

CREATE TABLE request_events (
  id          INTEGER PRIMARY KEY,
  request_id  INTEGER NOT NULL REFERENCES requests(id),
  at          INTEGER NOT NULL,
  actor       TEXT NOT NULL,
  from_state  TEXT,
  to_state    TEXT NOT NULL,
  note        TEXT NOT NULL DEFAULT ''
);
CREATE INDEX request_events_by_request ON request_events(request_id, id);
-- History is append-only.
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;
CREATE TRIGGER request_events_no_delete BEFORE DELETE ON request_events
BEGIN SELECT RAISE(ABORT, 'request_events is append-only'); END;

CREATE TABLE outbox (
  id               INTEGER PRIMARY KEY,
  chat_id          TEXT NOT NULL,
  text             TEXT NOT NULL,
  state            TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending','sent','dead')),
  attempts         INTEGER NOT NULL DEFAULT 0,
  created_at       INTEGER NOT NULL,
  next_attempt_at  INTEGER NOT NULL,
  sent_at          INTEGER,
  last_error       TEXT NOT NULL DEFAULT ''
);
CREATE INDEX outbox_pending ON outbox(chat_id, id) WHERE state = 'pending';

CREATE TABLE processed_updates (
  platform      TEXT NOT NULL,
  update_id     TEXT NOT NULL,
  processed_at  INTEGER NOT NULL,
  PRIMARY KEY (platform, update_id)
) WITHOUT ROWID;

CREATE TABLE drafts (
  chat_id     TEXT NOT NULL,
  user_id     TEXT NOT NULL,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  kind        TEXT NOT NULL,      -- 'dangky'
  body        TEXT NOT NULL,      -- JSON of the fields given so far
  expires_at  INTEGER NOT NULL,
  PRIMARY KEY (chat_id, user_id)
);

CREATE TABLE audit (
  id          INTEGER PRIMARY KEY,
  at          INTEGER NOT NULL,
  unit_id     TEXT NOT NULL,
  actor       TEXT NOT NULL,
  action      TEXT NOT NULL,
  request_id  INTEGER,
  detail      TEXT NOT NULL DEFAULT ''
);

CREATE TABLE unknown_chats (
  chat_id   TEXT PRIMARY KEY,
  told_at   INTEGER NOT NULL
);
