-- Shared by the wrk scripts that bench/run drives: the shape of an AWS Organizations request,
-- a status check on every answer, and a JSON summary of the run.
--
-- wrk gives each of its threads its own Lua state, so everything per-thread below (counters,
-- remembered handshakes) is per group of connections; setup() and done() run in the main state.
-- done() writes the summary to $BENCH_RESULT (if set) and always prints it.
local M = {}

M.management = "111111111111"

function M.headers(operation, account)
   return {
      ["X-Amz-Target"] = "AWSOrganizationsV20161128." .. operation,
      ["Content-Type"] = "application/x-amz-json-1.1",
      ["Authorization"] = "AWS4-HMAC-SHA256 Credential=" .. account ..
         "/20261128/us-east-1/organizations/aws4_request, SignedHeaders=host, Signature=0",
   }
end

-- One request, ready for request() to return.
function M.call(operation, account, body)
   return wrk.format("POST", "/", M.headers(operation, account), body or "{}")
end

-- Makes the script send the same request every time (wrk builds it once: the cheapest client).
function M.static(operation, account, body)
   wrk.method = "POST"
   wrk.path = "/"
   wrk.body = body or "{}"
   for k, v in pairs(M.headers(operation, account)) do wrk.headers[k] = v end
end

-- A 12-digit account id no other thread or run uses: 3 digits of the run (`salt`, given by
-- bench/run), 2 of the thread, 7 of a per-thread counter.
function M.account_id(salt, n)
   return string.format("%03d%02d%07d", salt, tid, n)
end

-- Per thread: answers that were not 200, and the first of them for the report.
non200 = 0
first_error = ""

-- Counts an answer; true when it is a 200.
function M.check(status, body)
   if status == 200 then return true end
   non200 = non200 + 1
   if first_error == "" then first_error = status .. " " .. (body or ""):sub(1, 200) end
   return false
end

function response(status, headers, body)
   M.check(status, body)
end

-- Main state: number the threads so account ids can include the thread.
local threads = {}
function setup(thread)
   thread:set("tid", #threads)
   table.insert(threads, thread)
end

local function json_string(s)
   s = s:gsub('[%c"\\]', function(c) return string.format("\\u%04x", c:byte()) end)
   return '"' .. s .. '"'
end

function done(summary, latency, requests)
   local errors, sample, mix = 0, "", {}
   for _, thread in ipairs(threads) do
      errors = errors + (thread:get("non200") or 0)
      if sample == "" then sample = thread:get("first_error") or "" end
      -- A script may count its kinds of request in a global table `mix`.
      for k, v in pairs(thread:get("mix") or {}) do mix[k] = (mix[k] or 0) + v end
   end
   local parts = {}
   for k, v in pairs(mix) do table.insert(parts, string.format('"%s": %d', k, v)) end
   table.sort(parts)
   local e = summary.errors
   local seconds = summary.duration / 1e6
   local result = string.format(
      '{"requests": %d, "seconds": %.3f, "rps": %.1f, "p50_ms": %.3f, "p90_ms": %.3f, "p99_ms": %.3f, ' ..
      '"mean_ms": %.3f, "max_ms": %.3f, "non200": %d, "socket_errors": %d, "timeouts": %d, "first_error": %s, ' ..
      '"mix": {%s}}',
      summary.requests, seconds, summary.requests / seconds,
      latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
      latency.mean / 1000, latency.max / 1000, errors,
      e.connect + e.read + e.write, e.timeout, json_string(sample), table.concat(parts, ", "))
   print("result: " .. result)
   local path = os.getenv("BENCH_RESULT")
   if path and path ~= "" then
      local f = assert(io.open(path, "w"))
      f:write(result, "\n")
      f:close()
   end
end

return M
