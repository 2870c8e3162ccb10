-- Capacity checks (request_repository::booked_on, run for every registration and schedule)
-- count a unit's open requests on a day. The day indexes now carry visit_day and state too,
-- so the count reads the index alone instead of every matching request row.
DROP INDEX requests_by_day;
DROP INDEX requests_by_proposed;
CREATE INDEX requests_by_day ON requests(unit_id, visit_day, state);
CREATE INDEX requests_by_proposed ON requests(unit_id, proposed_day, visit_day, state);
