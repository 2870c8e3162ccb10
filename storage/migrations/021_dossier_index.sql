-- Tận Nhà schema, version 21: /tim reads only the requests that have a dossier code.
-- /tim looks for its words in dossier codes as well as names: a substring match (instr), so no
-- index can seek it, and it walked every request of the unit, row by row, through an index of
-- another column (issue 18: the national database). This partial index holds the unit's codes
-- alone: the match runs over its entries (the code is in the index) and fetches only the rows
-- that match. A request gets a code when it is received, so a new registration writes no entry.
CREATE INDEX requests_with_dossier ON requests(unit_id, dossier_code) WHERE dossier_code <> '';
