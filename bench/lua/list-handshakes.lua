-- The first page of ListHandshakesForOrganization by the management account: the scaling runs.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

bench.static("ListHandshakesForOrganization", bench.management)
