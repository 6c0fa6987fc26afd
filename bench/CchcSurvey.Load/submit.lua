-- wrk script: POST /api/v1/responses with a fresh submission id per request (NHANH, one tap).
-- Ids are unique across wrk threads and runs: a random per-thread prefix plus a counter.
-- Counts responses by status so that "acknowledged" means 201/200 only.
local threads = {}
local counter = 0
local prefix

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  math.randomseed(os.time() * 1000 + tid * 7919 + math.floor(os.clock() * 1e6))
  prefix = string.format("%08x-%04x-4%03x", math.random(0, 0x7fffffff), math.random(0, 0xffff), tid)
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/json"
  acked = 0
  other = 0
  counter_code = os.getenv("CCHC_COUNTER") or "VQ-AS-Q1"
end

function request()
  counter = counter + 1
  local id = string.format("%s-8%03x-%012x", prefix, math.random(0, 0xfff), counter)
  local body = '{"submissionId":"' .. id .. '","counter":"' .. counter_code ..
    '","instrument":"NHANH","channel":"qr","answers":{"HL":' .. (counter % 5 + 1) .. '}}'
  return wrk.format(nil, "/api/v1/responses", nil, body)
end

function response(status, headers, body)
  if status == 201 or status == 200 then acked = acked + 1 else other = other + 1 end
end

function done(summary, latency, requests)
  local a, o = 0, 0
  for _, t in ipairs(threads) do
    a = a + t:get("acked")
    o = o + t:get("other")
  end
  io.write(string.format("ACKED %d\nOTHER %d\n", a, o))
  io.write(string.format("P50US %d\nP99US %d\n", latency:percentile(50), latency:percentile(99)))
  io.write(string.format("DURATIONUS %d\nERRORS %d\n", summary.duration,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
