-- wrk script for make bench-peers: every request is a unique group update carrying the same
-- complete /dangky form (unique citizen name, unique update/message id), in the shape of the
-- bot's platform. Arguments (after --): PLATFORM (zalo|telegram) RUN_ID GROUPS.
-- Zalo: as bench/webhook.lua (Tận Nhà; group g<u>, sent by its leader a<u>, who mentions the
-- bot). Telegram: an Update with a bot_command entity (python-telegram-bot, grammY).
-- Prints one line at the end: "wrk_result requests=… p50_us=… p99_us=…".
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  platform = args[1] or "zalo"
  run = args[2] or "w"
  groups = tonumber(args[3] or "64")
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Bot-Api-Secret-Token"] = "bench-secret-0123456789"
  wrk.headers["X-Telegram-Bot-Api-Secret-Token"] = "bench-secret-0123456789"
end

local function form(id)
  return "\\nHọ tên: Nguyễn Văn Kiểm " .. id ..
         "\\nNăm sinh: 1940\\nThôn: Đông Hải\\nĐịa chỉ: xóm 3, cạnh nhà văn hoá" ..
         "\\nĐối tượng: thương binh\\nThủ tục: chứng thực chữ ký"
end

function request()
  counter = counter + 1
  local u = counter % groups
  local id = run .. "-" .. tid .. "-" .. counter
  local body
  if platform == "telegram" then
    -- update_id and message_id: unique within a run (thread in the high digits).
    local n = (tid + 1) * 100000000 + counter
    body = '{"update_id":' .. n .. ',"message":{"message_id":' .. n ..
           ',"from":{"id":' .. (1000 + u) .. ',"is_bot":false,"first_name":"Lãnh đạo"},' ..
           '"chat":{"id":' .. (-1000000 - u) .. ',"type":"group","title":"Xã Thử ' .. u .. '"},' ..
           '"date":1764377131,"text":"/dangky' .. form(id) ..
           '","entities":[{"type":"bot_command","offset":0,"length":7}]}}'
  else
    body = '{"event_name":"message.text.received","message":{"from":{"id":"a' .. u ..
           '","display_name":"Lãnh đạo","is_bot":false},"chat":{"id":"g' .. u ..
           '","chat_type":"GROUP"},"text":"@Tận Nhà /dangky' .. form(id) .. '","message_id":"w-' .. id ..
           '","date":1764377131602}}'
  end
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk_result requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
                         "errors=%d non2xx=%d\n",
                         summary.requests, summary.duration / 1e6, latency:percentile(50),
                         latency:percentile(90), latency:percentile(99), latency.max,
                         e.connect + e.read + e.write + e.timeout, e.status))
end
