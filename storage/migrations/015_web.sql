-- Tận Nhà schema, version 15: the web pages (issue 17). A member opens them with a one-time link
-- sent in private chat (/web); the link's token and the session id it turns into are kept only as
-- hex SHA-256 digests, so a copy of the database opens no session.

-- One-time login links: valid until expires_at, single use (used_at set by the first use).
CREATE TABLE web_logins (
  token_hash  TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  user_id     TEXT NOT NULL,
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_at     INTEGER
);
CREATE INDEX web_logins_by_user ON web_logins(user_id);

-- Sessions opened by a link: valid until expires_at unless ended (/web thoat).
CREATE TABLE web_sessions (
  session_hash  TEXT PRIMARY KEY,
  unit_id       TEXT NOT NULL REFERENCES units(id),
  user_id       TEXT NOT NULL,
  created_at    INTEGER NOT NULL,
  expires_at    INTEGER NOT NULL,
  ended_at      INTEGER
);
CREATE INDEX web_sessions_by_user ON web_sessions(user_id);
