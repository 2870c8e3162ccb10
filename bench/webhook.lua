-- wrk script: every request is a unique Zalo group update carrying a complete /dangky form
-- (unique citizen name, unique message_id), posted with the webhook secret header. The same
-- shape as bench/bench_updates.hpp. Arguments (after --): RUN_ID UNITS.
-- Prints one machine-readable line at the end: "wrk_result requests=… p50_us=… p99_us=…".
local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

function init(args)
  run = args[1] or "w"
  units = tonumber(args[2] or "32")
  counter = 0
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  wrk.headers["X-Bot-Api-Secret-Token"] = "bench-secret-0123456789"
end

function request()
  counter = counter + 1
  local u = counter % units
  local id = run .. "-" .. tid .. "-" .. counter
  local text = "@Tận Nhà /dangky\\nHọ tên: Nguyễn Văn Kiểm " .. id ..
               "\\nNăm sinh: 1940\\nThôn: Đông Hải\\nĐịa chỉ: xóm 3, cạnh nhà văn hoá" ..
               "\\nĐối tượng: thương binh\\nThủ tục: chứng thực chữ ký"
  local body = '{"event_name":"message.text.received","message":{"from":{"id":"a' .. u ..
               '","display_name":"Lãnh đạo","is_bot":false},"chat":{"id":"g' .. u ..
               '","chat_type":"GROUP"},"text":"' .. text .. '","message_id":"w-' .. id ..
               '","date":1764377131602}}'
  return wrk.format(nil, "/webhook", nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk_result requests=%d seconds=%.3f p50_us=%d p90_us=%d p99_us=%d max_us=%d " ..
                         "errors=%d non2xx=%d\n",
                         summary.requests, summary.duration / 1e6, latency:percentile(50),
                         latency:percentile(90), latency:percentile(99), latency.max,
                         e.connect + e.read + e.write + e.timeout, e.status))
end
