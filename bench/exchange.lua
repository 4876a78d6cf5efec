-- wrk script: one token exchange per request, each carrying the next pre-minted subject token.
--   TOKENS_FILE  one JWT per line; every wrk thread takes every n-th line and starts over at the end
--   BODY         form body template; %s is replaced by the token
--   DELAY_MS     if set, each connection waits this long after every answer: a paced rate below the peak
-- Prints percentiles wrk's --latency leaves out (p99.9) and the count of non-200 answers.
local counter = 0
function setup(thread)
  thread:set("tid", counter)
  counter = counter + 1
end
function init(args)
  local f = assert(io.open(os.getenv("TOKENS_FILE"), "r"))
  tokens, i = {}, 0
  local n, t, threads = 0, tonumber(tid) or 0, tonumber(os.getenv("WRK_THREADS") or "1")
  for line in f:lines() do
    if n % threads == t then tokens[#tokens + 1] = line end
    n = n + 1
  end
  f:close()
  template = os.getenv("BODY")
  wrk.method = "POST"
  wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
end
function request()
  i = i + 1
  if i > #tokens then i = 1 end
  return wrk.format(nil, nil, nil, (template:gsub("%%s", tokens[i])))
end
local pause = tonumber(os.getenv("DELAY_MS") or "")
if pause then
  function delay() return pause end
end
shown = 0
function response(status, headers, body)
  if status ~= 200 and shown < 3 then
    shown = shown + 1
    io.stderr:write("HTTP " .. status .. ": " .. body:sub(1, 200) .. "\n")
  end
end
function done(summary, latency, requests)
  io.write(string.format("PERCENTILES p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
  io.write(string.format("COUNTS requests=%d non2xx=%d socket_errors=%d\n", summary.requests,
    summary.errors.status, summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
