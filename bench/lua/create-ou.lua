-- CreateOrganizationalUnit under the root, each with a name no other request of any thread or
-- run used (the run's salt comes after `--`).
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local bench = dofile(dir .. "common.lua")
local root, salt, n

function init(args)
   root = dofile(dir .. "tree.lua").read().root
   salt = tonumber(args[1]) or 0
   n = 0
end

function request()
   n = n + 1
   return bench.call("CreateOrganizationalUnit", bench.management,
                     '{"ParentId":"' .. root .. '","Name":"ou-' .. salt .. '-' .. tid .. '-' .. n .. '"}')
end
