-- Tận Nhà schema, version 20: a closed period's report never changes (issue 14, item 11).
-- Reports count what the history says happened inside the period and the state at its end, so
-- the history must carry what the requests row later overwrites:
--   rating     the score a rating event gave (1..5); NULL on every other event. A rating is
--              counted in the period it was entered, not in the period of the return.
--   visit_day  the request's visit day after the event, due_day its due day after the event:
--              the overdue rules at a period's end need the days in force then, which a later
--              /xeplich or a second reception overwrites in requests.
-- Events written before this version carry no days (NULL): reports use the request's current
-- days for them, as before.
ALTER TABLE request_events ADD COLUMN rating INTEGER;
ALTER TABLE request_events ADD COLUMN visit_day TEXT;
ALTER TABLE request_events ADD COLUMN due_day TEXT;
ALTER TABLE unit_events ADD COLUMN rating INTEGER;

-- The existing ratings, from the note the rating handler wrote ("Đánh giá 4/5…"); where that
-- note was erased, the request's rating goes on its last event in the returned state. The
-- append-only trigger refuses any update of an event whose note is still held: it is put back,
-- covering the new columns, right after.
DROP TRIGGER request_events_no_update;
UPDATE request_events SET rating = CAST(substr(note, instr(note, '/5') - 1, 1) AS INTEGER)
WHERE from_state = 'returned' AND to_state = 'returned' AND note LIKE 'Đánh giá _/5%';
UPDATE request_events SET rating = (SELECT r.rating FROM requests r WHERE r.id = request_events.request_id)
WHERE id IN (
  SELECT MAX(e.id) FROM request_events e JOIN requests r ON r.id = e.request_id
  WHERE r.rating IS NOT NULL AND e.to_state = 'returned'
    AND NOT EXISTS (SELECT 1 FROM request_events x WHERE x.request_id = r.id AND x.rating IS NOT NULL)
  GROUP BY e.request_id);
UPDATE unit_events SET rating = (SELECT e.rating FROM request_events e WHERE e.id = unit_events.event_id)
WHERE event_id IN (SELECT id FROM request_events WHERE rating IS NOT NULL);

CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
WHEN NEW.note <> '' OR (NEW.group_note IS NOT NULL AND NEW.group_note IS NOT OLD.group_note)
  OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.at IS NOT OLD.at
  OR NEW.actor IS NOT OLD.actor OR NEW.from_state IS NOT OLD.from_state OR NEW.to_state IS NOT OLD.to_state
  OR NEW.rating IS NOT OLD.rating OR NEW.visit_day IS NOT OLD.visit_day OR NEW.due_day IS NOT OLD.due_day
BEGIN SELECT RAISE(ABORT, 'request_events is append-only (only a note may be erased)'); END;

-- The unit's copy carries the rating, so that a period's ratings are an index range.
DROP TRIGGER request_events_unit_copy;
CREATE TRIGGER request_events_unit_copy AFTER INSERT ON request_events
BEGIN
  INSERT INTO unit_events(unit_id, at, to_state, from_state, request_id, event_id, rating)
  SELECT unit_id, NEW.at, NEW.to_state, NEW.from_state, NEW.request_id, NEW.id, NEW.rating
  FROM requests WHERE id = NEW.request_id;
END;

-- Ratings entered in a period: few rows (one per rating), read by (unit, time) alone.
CREATE INDEX unit_events_ratings ON unit_events(unit_id, at, request_id, rating) WHERE rating IS NOT NULL;
