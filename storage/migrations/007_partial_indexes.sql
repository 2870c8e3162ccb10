-- Tận Nhà schema, version 7: fewer index entries written per registration.
-- A new request has no visit day and no return yet, and every query that reads these two
-- indexes compares the column (visit_day = or BETWEEN, returned_at >= and <), which implies
-- it is not NULL: so the indexes skip the NULL rows. Each registration writes two index
-- entries fewer, and the indexes stay as small as the requests that reached that step.
-- requests_by_received stays whole: made partial, the planner would prefer it to
-- requests_by_result for the late-at-period-end count (report_repository), a range that
-- grows with every request ever received.
DROP INDEX requests_by_day;
CREATE INDEX requests_by_day ON requests(unit_id, visit_day, state) WHERE visit_day IS NOT NULL;
DROP INDEX requests_by_returned;
CREATE INDEX requests_by_returned ON requests(unit_id, returned_at) WHERE returned_at IS NOT NULL;
