-- DescribeEffectivePolicy of the member account five OUs deep ($BENCH_MEMBER), asked by the
-- management account: the tag policies of seven levels, five at each, merged.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local member = assert(os.getenv("BENCH_MEMBER"), "BENCH_MEMBER is not set")

bench.static("DescribeEffectivePolicy", bench.management,
             '{"TargetId":"' .. member .. '","PolicyType":"TAG_POLICY"}')
