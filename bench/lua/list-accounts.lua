-- ListAccounts (first page of 20) by $BENCH_CALLER: bench/run runs it as the management account and
-- as a delegated administrator of the same organization, and the ratio is what the delegated
-- administrator's access check costs.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")
local caller = assert(os.getenv("BENCH_CALLER"), "BENCH_CALLER is not set")

bench.static("ListAccounts", caller)
