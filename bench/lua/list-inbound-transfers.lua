-- ListInboundResponsibilityTransfers by the paying management account: the first page, 20 items.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

bench.static("ListInboundResponsibilityTransfers", bench.management, '{"Type":"BILLING"}')
