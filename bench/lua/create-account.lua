-- Account vending: CreateAccount with an address no other request of any thread or run used (the
-- run's salt comes after `--`), and DescribeCreateAccountStatus of the requests this thread made,
-- in turn: the poll every pipeline runs after each creation.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local salt, n, step = 0, 0, 0
local created = {}  -- FIFO of request ids (car-...) that answers gave
local head, tail = 1, 0
mix = { create = 0, describe = 0 }  -- reported by done()

function init(args)
   salt = tonumber(args[1]) or 0
end

function request()
   step = step + 1
   if step % 2 == 0 and head <= tail then
      local id = created[head]
      created[head] = nil
      head = head + 1
      mix.describe = mix.describe + 1
      return bench.call("DescribeCreateAccountStatus", bench.management, '{"CreateAccountRequestId":"' .. id .. '"}')
   end
   n = n + 1
   mix.create = mix.create + 1
   local email = "vended-" .. bench.account_id(salt, n) .. "@example.com"
   return bench.call("CreateAccount", bench.management, '{"Email":"' .. email .. '","AccountName":"Vended"}')
end

function response(status, headers, body)
   if not bench.check(status, body) then return end
   -- Only CreateAccount's answers are still IN_PROGRESS (the delay is 0).
   if not body:find('"IN_PROGRESS"', 1, true) then return end
   local id = body:match('"(car%-%x+)"')
   if id then
      tail = tail + 1
      created[tail] = id
   end
end
