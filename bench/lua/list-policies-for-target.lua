-- ListPoliciesForTarget of the member account that bench/policies.py attached policies to
-- ($BENCH_MEMBER): its six SCPs (FullAWSAccess and five of the organization's) in one page.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local member = assert(os.getenv("BENCH_MEMBER"), "BENCH_MEMBER is not set")

bench.static("ListPoliciesForTarget", bench.management,
             '{"TargetId":"' .. member .. '","Filter":"SERVICE_CONTROL_POLICY"}')
