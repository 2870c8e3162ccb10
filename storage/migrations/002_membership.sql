-- Tận Nhà schema, version 2: one-time invitation codes and citizens' feedback (phản ánh).
-- Instants are Unix seconds (UTC), as in 001.

CREATE TABLE invites (
  code        TEXT PRIMARY KEY,             -- 6 characters of an unambiguous alphabet, upper case
  unit_id     TEXT NOT NULL REFERENCES units(id),
  role        TEXT NOT NULL CHECK (role IN ('lanhdao','canbo','truongthon','tinhnguyen')),
  village     TEXT NOT NULL DEFAULT '',     -- for truongthon
  created_by  TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_by     TEXT,                         -- NULL until the code is used (single use)
  used_at     INTEGER
);
CREATE INDEX invites_by_unit ON invites(unit_id, created_at);

CREATE TABLE feedback (
  id          INTEGER PRIMARY KEY,          -- shown as #PA-<id>
  unit_id     TEXT NOT NULL REFERENCES units(id),
  user_id     TEXT NOT NULL,
  chat_id     TEXT NOT NULL,
  text        TEXT NOT NULL,                -- as written; personal data, never logged
  created_at  INTEGER NOT NULL
);
CREATE INDEX feedback_by_unit ON feedback(unit_id, created_at);
