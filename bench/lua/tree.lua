-- The tree file the seeding tool writes ($BENCH_TREE): the root id on the first line, then one
-- line per OU with its id and its accounts' ids. Shared by the tree scripts.
local M = {}

function M.read()
   local path = os.getenv("BENCH_TREE")
   assert(path and path ~= "", "BENCH_TREE is not set")
   local tree = {root = nil, ous = {}}
   for line in io.lines(path) do
      if tree.root == nil then
         tree.root = line
      elseif line ~= "" then
         local ou = {accounts = {}}
         for word in line:gmatch("%S+") do
            if ou.id == nil then ou.id = word else table.insert(ou.accounts, word) end
         end
         table.insert(tree.ous, ou)
      end
   end
   assert(tree.root and #tree.ous > 0, "no tree in $BENCH_TREE")
   return tree
end

return M
