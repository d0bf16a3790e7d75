-- InviteAccountToOrganization from the management account, each request to an account id no
-- other request of any thread or run used (the run's salt comes after `--`).
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local salt, n = 0, 0

function init(args)
   salt = tonumber(args[1]) or 0
end

function request()
   n = n + 1
   local target = bench.account_id(salt, n)
   return bench.call("InviteAccountToOrganization", bench.management,
                     '{"Target":{"Id":"' .. target .. '","Type":"ACCOUNT"}}')
end
