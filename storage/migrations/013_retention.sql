-- Tận Nhà schema, version 13: personal data is kept only as long as needed (issue 15).

-- When a citizen's personal data was anonymised (retention job or `tannha privacy erase`);
-- NULL while it is held. The row stays so that counts and dates in reports stay.
ALTER TABLE citizens ADD COLUMN anonymised_at INTEGER;

-- History stays append-only, with one exception: the free text of an event (a reason, a note)
-- may be erased, and nothing else about it may change.
DROP TRIGGER request_events_no_update;
CREATE TRIGGER request_events_no_update BEFORE UPDATE ON request_events
WHEN NEW.note <> '' OR NEW.id IS NOT OLD.id OR NEW.request_id IS NOT OLD.request_id OR NEW.at IS NOT OLD.at
  OR NEW.actor IS NOT OLD.actor OR NEW.from_state IS NOT OLD.from_state OR NEW.to_state IS NOT OLD.to_state
BEGIN SELECT RAISE(ABORT, 'request_events is append-only (only a note may be erased)'); END;

-- The retention job finds delivered and dead messages whose text is still held by time; once
-- erased a row leaves these indexes, so they stay as small as the last period's messages.
CREATE INDEX outbox_sent_text ON outbox(sent_at) WHERE state = 'sent' AND text <> '';
CREATE INDEX outbox_dead_text ON outbox(failed_at) WHERE state = 'dead' AND text <> '';

-- The daily purge finds what is past its period by time, through an index each: processed
-- update ids, expired unused codes and old audit entries.
CREATE INDEX processed_updates_by_time ON processed_updates(processed_at);
CREATE INDEX invites_unused_by_expiry ON invites(expires_at) WHERE used_by IS NULL;
CREATE INDEX claims_unused_by_expiry ON claims(expires_at) WHERE used_by IS NULL;
CREATE INDEX audit_by_time ON audit(at);
