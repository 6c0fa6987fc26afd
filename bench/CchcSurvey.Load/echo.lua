-- wrk script: the trivial-POST ceiling, same body size and shape as submit.lua, to /bench/echo.
local threads = {}
local counter = 0
function setup(thread) thread:set("tid", #threads + 1); table.insert(threads, thread) end
function init(args)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  acked = 0
  other = 0
end
function request()
  counter = counter + 1
  local id = string.format("00000000-0000-4%03x-8000-%012x", tid, counter)
  local body = '{"submissionId":"' .. id .. '","counter":"VQ-AS-Q1","instrument":"NHANH","channel":"qr","answers":{"HL":' .. (counter % 5 + 1) .. '}}'
  return wrk.format(nil, "/bench/echo", nil, body)
end
function response(status, headers, body)
  if status == 200 then acked = acked + 1 else other = other + 1 end
end
function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do a = a + t:get("acked"); o = o + t:get("other") end
  io.write(string.format("ACKED %d\nOTHER %d\n", a, o))
  io.write(string.format("P50US %d\nP99US %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("DURATIONUS %d\nERRORS %d\n", summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
