-- MoveAccount of an account that no request of the run moved before, from the OU it was seeded
-- in to the other one. Each thread takes its own accounts (every `threads`-th one, the thread
-- count coming after `--`). Never moving an account twice keeps the run exact even when wrk drops
-- a request it had prepared (it does when a connection is reopened): the account just stays put.
-- The seeding gives enough accounts for the run (bench/run); past the last one a thread starts
-- over, which a dropped request would then turn into a refused move.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local bench = dofile(dir .. "common.lua")
local owned, next_index

function init(args)
   local threads = tonumber(args[1]) or 1
   local tree = dofile(dir .. "tree.lua").read()
   assert(#tree.ous == 2, "move-account wants a tree of two OUs")
   owned, next_index = {}, 0
   local k = 0
   local longest = math.max(#tree.ous[1].accounts, #tree.ous[2].accounts)
   -- Interleaved, so consecutive requests alternate between the two directions.
   for i = 1, longest do
      for side = 1, 2 do
         local account = tree.ous[side].accounts[i]
         if account then
            if k % threads == tid then
               table.insert(owned, {id = account, from = tree.ous[side].id, to = tree.ous[3 - side].id})
            end
            k = k + 1
         end
      end
   end
   assert(#owned > 0, "no accounts for thread " .. tid)
end

function request()
   next_index = next_index % #owned + 1
   local a = owned[next_index]
   a.from, a.to = a.to, a.from  -- where the account goes next time round
   return bench.call("MoveAccount", bench.management,
                     '{"AccountId":"' .. a.id .. '","SourceParentId":"' .. a.to .. '","DestinationParentId":"' .. a.from .. '"}')
end
