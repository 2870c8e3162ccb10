-- Tận Nhà schema, version 18: a history event may carry the text a group may see beside the
-- private one. A correction (/sua) keeps old and new values whole in `note` (private /hoso) and
-- the group's version here (address, categories and notes named only, phone masked); NULL for
-- every other event, whose group view is derived from `note` when rendered.
ALTER TABLE request_events ADD COLUMN group_note TEXT;
