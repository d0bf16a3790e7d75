-- DescribeResponsibilityTransfer by the paying management account, of transfers picked at random
-- from those bench/transfers.py made ($BENCH_IDS, one id per line).
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local ids = {}

function init(args)
   for line in io.lines(os.getenv("BENCH_IDS")) do
      if line ~= "" then table.insert(ids, line) end
   end
   assert(#ids > 0, "no transfer ids in $BENCH_IDS")
   math.randomseed(1000 + tid)
end

function request()
   return bench.call("DescribeResponsibilityTransfer", bench.management, '{"Id":"' .. ids[math.random(#ids)] .. '"}')
end
