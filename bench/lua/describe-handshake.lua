-- DescribeHandshake by the management account, of handshakes picked at random from the sample
-- the seeding tool wrote ($BENCH_IDS, one id per line): the scaling runs.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local ids = {}

function init(args)
   for line in io.lines(os.getenv("BENCH_IDS")) do
      if line ~= "" then table.insert(ids, line) end
   end
   assert(#ids > 0, "no handshake ids in $BENCH_IDS")
   math.randomseed(1000 + tid)
end

function request()
   return bench.call("DescribeHandshake", bench.management,
                     '{"HandshakeId":"' .. ids[math.random(#ids)] .. '"}')
end
