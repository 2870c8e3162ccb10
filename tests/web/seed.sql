-- A unit's last 12 weeks for the browser test and the timing: 600 people, one request each,
-- spread over 84 days before now; the older ones returned (most on time), the recent ones open.
-- Only test data: names, phones and addresses are made up.
CREATE TEMP TABLE seed_n AS
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 600) SELECT i FROM n;
CREATE TEMP TABLE seed_now AS SELECT CAST(strftime('%s', 'now') AS INTEGER) AS t;

INSERT INTO citizens(id, unit_id, full_name, folded_name, birth_year, village, address, phone, categories, created_at)
SELECT 100000 + i, 'binhgiang',
       (CASE i % 8 WHEN 0 THEN 'Nguyễn' WHEN 1 THEN 'Trần' WHEN 2 THEN 'Lê' WHEN 3 THEN 'Phạm'
                   WHEN 4 THEN 'Hoàng' WHEN 5 THEN 'Vũ' WHEN 6 THEN 'Đặng' ELSE 'Bùi' END) || ' ' ||
       (CASE i % 2 WHEN 0 THEN 'Văn' ELSE 'Thị' END) || ' ' ||
       (CASE i % 10 WHEN 0 THEN 'An' WHEN 1 THEN 'Bình' WHEN 2 THEN 'Cúc' WHEN 3 THEN 'Dũng' WHEN 4 THEN 'Hoa'
                    WHEN 5 THEN 'Lan' WHEN 6 THEN 'Minh' WHEN 7 THEN 'Nga' WHEN 8 THEN 'Phúc' ELSE 'Tư' END),
       'seed ' || i, 1930 + i % 45,
       CASE i % 4 WHEN 0 THEN 'Đông Hải' WHEN 1 THEN 'Tây Sơn' WHEN 2 THEN 'Bắc Hà' ELSE 'Thượng Lâm' END,
       'xóm ' || (i % 9 + 1), '09' || printf('%08d', (i * 7919) % 100000000),
       CASE i % 3 WHEN 0 THEN 'Người cao tuổi' WHEN 1 THEN 'Người khuyết tật' ELSE '' END,
       (SELECT t FROM seed_now) - 86400 * 90
FROM seed_n;

-- Request i registered (600 - i) * 84 days / 600 ago; days after registration: visit +3,
-- reception +3, result +6 (+10 for every 7th: late), return +7 (+11).
CREATE TEMP TABLE seed_r AS
SELECT i, (SELECT t FROM seed_now) - (600 - i) * 12096 AS reg,
       CASE i % 5 WHEN 0 THEN 'CT-01' WHEN 1 THEN 'CT-02' WHEN 2 THEN 'HT-01' WHEN 3 THEN 'HT-02' ELSE 'CT-03' END AS proc,
       CASE WHEN i % 7 = 0 THEN 4 ELSE 0 END AS late
FROM seed_n;

INSERT INTO requests(id, unit_id, number, citizen_id, procedure_code, state, registered_by, registered_chat, registered_at,
                     visit_day, visit_time, team, received_at, due_day, result_at, returned_at, return_way)
SELECT 100000 + i, 'binhgiang', i, 100000 + i, proc,
       CASE WHEN reg + 86400 * (7 + late) < (SELECT t FROM seed_now) THEN 'returned'
            WHEN reg + 86400 * 3 < (SELECT t FROM seed_now) THEN 'processing'
            WHEN reg + 86400 * 1 < (SELECT t FROM seed_now) THEN 'scheduled'
            WHEN i % 2 = 0 THEN 'verified' ELSE 'registered' END,
       'leader-1', 'group-bg', reg,
       CASE WHEN reg + 86400 < (SELECT t FROM seed_now) THEN date(reg + 86400 * 3, 'unixepoch', '+7 hours') END,
       CASE WHEN reg + 86400 < (SELECT t FROM seed_now) THEN '08:00' END,
       CASE WHEN reg + 86400 < (SELECT t FROM seed_now) THEN 'Hoa, Nam' ELSE '' END,
       CASE WHEN reg + 86400 * 3 < (SELECT t FROM seed_now) THEN reg + 86400 * 3 END,
       CASE WHEN reg + 86400 * 3 < (SELECT t FROM seed_now) THEN date(reg + 86400 * 9, 'unixepoch', '+7 hours') END,
       CASE WHEN reg + 86400 * (7 + late) < (SELECT t FROM seed_now) THEN reg + 86400 * (6 + late) END,
       CASE WHEN reg + 86400 * (7 + late) < (SELECT t FROM seed_now) THEN reg + 86400 * (7 + late) END,
       CASE WHEN reg + 86400 * (7 + late) < (SELECT t FROM seed_now) THEN 'tận nhà' ELSE '' END
FROM seed_r;

INSERT INTO request_events(request_id, at, actor, from_state, to_state, note)
SELECT 100000 + i, reg, 'leader-1', NULL, 'registered', '' FROM seed_r;
INSERT INTO request_events(request_id, at, actor, from_state, to_state, note)
SELECT 100000 + i, reg + 86400, 'leader-1', 'registered', 'scheduled', '' FROM seed_r
WHERE reg + 86400 < (SELECT t FROM seed_now);
INSERT INTO request_events(request_id, at, actor, from_state, to_state, note)
SELECT 100000 + i, reg + 86400 * 3, 'leader-1', 'scheduled', 'processing', 'đã nhận hồ sơ tại nhà' FROM seed_r
WHERE reg + 86400 * 3 < (SELECT t FROM seed_now);
INSERT INTO request_events(request_id, at, actor, from_state, to_state, note)
SELECT 100000 + i, reg + 86400 * (6 + late), 'leader-1', 'processing', 'result_ready', '' FROM seed_r
WHERE reg + 86400 * (7 + late) < (SELECT t FROM seed_now);
INSERT INTO request_events(request_id, at, actor, from_state, to_state, note)
SELECT 100000 + i, reg + 86400 * (7 + late), 'leader-1', 'result_ready', 'returned', 'tận nhà' FROM seed_r
WHERE reg + 86400 * (7 + late) < (SELECT t FROM seed_now);

UPDATE units SET next_number = 601 WHERE id = 'binhgiang';
