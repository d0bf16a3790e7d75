-- InviteOrganizationToTransferResponsibility from the management account, each to an account id
-- no other request of any thread or run used (after `--`: the run's salt, then the start
-- timestamp in epoch seconds, the first of a month bench/transfers.py picked).
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local salt, start, n = 0, "0", 0

function init(args)
   salt = tonumber(args[1]) or 0
   start = args[2] or "0"
end

function request()
   n = n + 1
   local target = bench.account_id(salt, n)
   return bench.call("InviteOrganizationToTransferResponsibility", bench.management,
                     '{"Type":"BILLING","Target":{"Id":"' .. target .. '","Type":"ACCOUNT"},"StartTimestamp":' ..
                        start .. ',"SourceName":"Bench"}')
end
