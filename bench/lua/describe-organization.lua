-- DescribeOrganization by the management account: the read path. The same request goes to
-- localorgs, to the ceiling and to moto.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

bench.static("DescribeOrganization", bench.management)
