-- DescribeOrganization by the member account five OUs deep ($BENCH_MEMBER): with SCPs enabled,
-- every call is first decided by the SCPs on its path (42 of them: FullAWSAccess and five more at each of seven levels); bench/run measures it again
-- with SCPs disabled, and the ratio is what evaluating them costs.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local member = assert(os.getenv("BENCH_MEMBER"), "BENCH_MEMBER is not set")

bench.static("DescribeOrganization", member)
