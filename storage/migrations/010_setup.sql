-- Tận Nhà schema, version 10: setting up without ids. A unit's group may be connected from chat
-- (/ketnoi) instead of the config, and a unit's first leader may claim the bot with a one-time
-- code (/batdau). units.chat_id stays NOT NULL UNIQUE (relaxing it would mean rebuilding a table
-- that seven others refer to): a unit without a group holds '~' || id there, the placeholder
-- sync_config already used, which no platform chat id can be.

-- Where the unit's group came from: 'config' ([[units]] chat_id), 'ketnoi' (a leader's
-- /ketnoi, which the config does not overwrite) or 'none' (no group yet).
ALTER TABLE units ADD COLUMN group_source TEXT NOT NULL DEFAULT 'config';
ALTER TABLE units ADD COLUMN group_set_by TEXT NOT NULL DEFAULT '';
ALTER TABLE units ADD COLUMN group_set_at INTEGER;

-- One-time codes to claim a unit without a leader. Only the hex SHA-256 of a code is kept.
CREATE TABLE claims (
  code_hash   TEXT PRIMARY KEY,
  unit_id     TEXT NOT NULL REFERENCES units(id),
  created_at  INTEGER NOT NULL,
  expires_at  INTEGER NOT NULL,
  used_by     TEXT,              -- NULL until used (single use)
  used_at     INTEGER
);
CREATE INDEX claims_by_unit ON claims(unit_id);

-- Wrong codes sent, per person, to limit guessing.
CREATE TABLE claim_attempts (
  user_id  TEXT NOT NULL,
  at       INTEGER NOT NULL
);
CREATE INDEX claim_attempts_by_user ON claim_attempts(user_id, at);
