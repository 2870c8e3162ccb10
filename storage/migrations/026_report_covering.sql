-- Tận Nhà schema, version 26: a report reads its period's index ranges, not one table row per
-- request of the period (issue 18, item 4). A unit's requests are spread over the whole table
-- (every unit registers every day), so each row a report looks up is a page of its own: on the
-- national database a year's report and the web dashboard grew with the database's size, not
-- only with the unit's work.
--   requests_by_returned  carries what the returns read (on time, days to return, the village /
--                         field / category breakdown, the dashboard's 6-month chart).
--   requests_by_registered carries what the registrations' breakdown reads.
--   request_events_receptions: whether a reception is a request's first, one index probe instead
--                         of reading each earlier event of the request (few rows: one a reception).
DROP INDEX requests_by_returned;
CREATE INDEX requests_by_returned ON requests(unit_id, returned_at, due_day, received_at, citizen_id, procedure_code)
WHERE returned_at IS NOT NULL;
DROP INDEX requests_by_registered;
CREATE INDEX requests_by_registered ON requests(unit_id, registered_at, citizen_id, procedure_code);
CREATE INDEX request_events_receptions ON request_events(request_id, id) WHERE to_state = 'processing';
