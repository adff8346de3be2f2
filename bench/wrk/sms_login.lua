-- wrk script for scripts/bench-server: the SMS-code login step, POST
-- /api/v1/auth/sms {"phone","code"}, with a code nobody used yet on every
-- request (codes are single use).
--   wrk ... -s sms_login.lua URL -- CODES_FILE THREADS
-- CODES_FILE has one "PHONE CODE" per line; wrk thread T takes lines
-- T, T+THREADS, ... and builds all its requests in init(), so the timed
-- loop only hands out prepared strings. When a thread runs out it starts
-- again at its first line (those requests then fail) and counts it.
-- done() prints the answers other than 200 (and the first of them) and the
-- run-outs: the run is valid only when both are 0.
local threads = {}

function setup(thread)
  thread:set("tid", #threads)
  table.insert(threads, thread)
end

function init(args)
  local nthreads = tonumber(args[2])
  local headers = { ["Content-Type"] = "application/json" }
  prepared = {}
  local i = 0
  for line in io.lines(args[1]) do
    if i % nthreads == tid then
      local phone, code = line:match("^(%S+) (%d+)$")
      local body = '{"phone":"' .. phone .. '","code":"' .. code .. '"}'
      table.insert(prepared, wrk.format("POST", nil, headers, body))
    end
    i = i + 1
  end
  next_index = 1
  ran_out = 0
  failed = 0
  first_error = ""
end

function request()
  if next_index > #prepared then
    ran_out = ran_out + 1
    next_index = 1
  end
  local r = prepared[next_index]
  next_index = next_index + 1
  return r
end

function response(status, headers, body)
  if status ~= 200 then
    if failed == 0 then first_error = status .. " " .. body:sub(1, 300) end
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local failed, ran_out = 0, 0
  local first_error = ""
  for _, t in ipairs(threads) do
    failed = failed + t:get("failed")
    ran_out = ran_out + t:get("ran_out")
    if first_error == "" then first_error = t:get("first_error") end
  end
  io.write(string.format("sms-login: requests=%d failed=%d ran_out=%d\n", summary.requests,
                         failed, ran_out))
  if first_error ~= "" then io.write("sms-login first failure: " .. first_error .. "\n") end
end
