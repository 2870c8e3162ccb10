-- Tận Nhà schema, version 18: a history event may carry the text a group may see beside the
-- private one. A correction (/sua) keeps old and new values whole in `note` (private /hoso) and
-- the group's version here (address, categories and notes named only, phone masked); NULL for
-- every other event, whose group view is derived from `note` when rendered.
ALTER TABLE request_events ADD COLUMN group_note TEXT;

-- The history stays append-only: as for `note`, the only change allowed to `group_note` is its
-- erasure (the retention job and `tannha privacy erase`).
DROP TRIGGER request_events_no_update;
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
WHEN NEW.note <> '' OR (NEW.group_note IS NOT NULL AND NEW.group_note IS NOT OLD.group_note)
  OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.at IS NOT OLD.at
  OR NEW.actor IS NOT OLD.actor OR NEW.from_state IS NOT OLD.from_state OR NEW.to_state IS NOT OLD.to_state
BEGIN SELECT RAISE(ABORT, 'request_events is append-only (only a note may be erased)'); END;
