-- Tận Nhà schema, version 3: scheduled posts run exactly once, and what reports need to
-- aggregate quickly per unit and period.

-- One row per (job, unit, period) that has run; written in the same transaction as the job's
-- outbox rows, so a post is never repeated and a crash before the commit reruns it.
CREATE TABLE job_runs (
  job         TEXT NOT NULL,     -- 'bantin' | 'chotlich' | 'canhbao' | 'baocao_tuan' | 'baocao_thang'
  unit_id     TEXT NOT NULL,
  period_key  TEXT NOT NULL,     -- a local day '2026-11-23', a visit day, or a period key '2026-W48'
  ran_at      INTEGER NOT NULL,
  posted      INTEGER NOT NULL,  -- messages queued (0: nothing to say)
  PRIMARY KEY (job, unit_id, period_key)
) WITHOUT ROWID;

-- request_events carries no unit: this copy of each event's unit, time and states lets a report
-- count a unit's changes in a period by index range instead of scanning every unit's history.
-- Kept by a trigger, so every writer of request_events fills it.
CREATE TABLE unit_events (
  unit_id     TEXT NOT NULL,
  at          INTEGER NOT NULL,
  to_state    TEXT NOT NULL,
  from_state  TEXT,
  request_id  INTEGER NOT NULL,
  event_id    INTEGER PRIMARY KEY
);
CREATE INDEX unit_events_by_state ON unit_events(unit_id, to_state, at, request_id);
-- Covering: a period's counts read the index alone.
CREATE INDEX unit_events_by_time ON unit_events(unit_id, at, to_state, from_state, request_id);

INSERT INTO unit_events(unit_id, at, to_state, from_state, request_id, event_id)
  SELECT r.unit_id, e.at, e.to_state, e.from_state, e.request_id, e.id
  FROM request_events e JOIN requests r ON r.id = e.request_id;

CREATE TRIGGER request_events_unit_copy AFTER INSERT ON request_events
BEGIN
  INSERT INTO unit_events(unit_id, at, to_state, from_state, request_id, event_id)
  SELECT unit_id, NEW.at, NEW.to_state, NEW.from_state, NEW.request_id, NEW.id FROM requests WHERE id = NEW.request_id;
END;

-- Report ranges over reception and return times.
CREATE INDEX requests_by_received ON requests(unit_id, received_at);
CREATE INDEX requests_by_returned ON requests(unit_id, returned_at);
-- Trễ hẹn at a period's end: only requests without a result by then.
CREATE INDEX requests_by_result ON requests(unit_id, result_at);
