-- ListAccountsForParent of an OU picked at random, 10 per page.
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local bench = dofile(dir .. "common.lua")
local tree

function init(args)
   tree = dofile(dir .. "tree.lua").read()
   math.randomseed(2000 + tid)
end

function request()
   local ou = tree.ous[math.random(#tree.ous)]
   return bench.call("ListAccountsForParent", bench.management,
                     '{"ParentId":"' .. ou.id .. '","MaxResults":10}')
end
