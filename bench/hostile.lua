-- wrk script: a mix of valid and hostile requests at the token endpoint, read from a file, until a count is reached.
--   REQUESTS_FILE  one request a line: METHOD <tab> CONTENT-TYPE <tab> PATH <tab> BODY (\n never appears in one)
-- Writes the first three 5xx answers to stderr, so that one shows at once.
function init(args)
  local f = assert(io.open(os.getenv("REQUESTS_FILE"), "r"))
  reqs, i = {}, 0
  for line in f:lines() do
    local method, ctype, path, body = line:match("^([^\t]*)\t([^\t]*)\t([^\t]*)\t(.*)$")
    local headers = {}
    if ctype ~= "" then headers["Content-Type"] = ctype end
    reqs[#reqs + 1] = wrk.format(method, path, headers, body ~= "" and body or nil)
  end
  f:close()
  s5 = 0
end
function request()
  i = i + 1
  if i > #reqs then i = 1 end
  return reqs[i]
end
function response(status, headers, body)
  if status >= 500 then
    s5 = s5 + 1
    if s5 <= 3 then io.stderr:write("HTTP " .. status .. ": " .. body:sub(1, 200) .. "\n") end
  end
end
function done(summary, latency, requests)
  io.write(string.format("COUNTS requests=%d non2xx=%d socket_errors=%d\n", summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
  io.write(string.format("PERCENTILES p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f max_ms=%.3f\n",
    latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency:percentile(99.9) / 1000, latency.max / 1000))
end
