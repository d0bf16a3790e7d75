-- ListChildren of the root's OUs, 10 per page (the same page size for a tree of 10 and a wide
-- one, so the runs compare the lookup, not the size of the answer).
local dir = debug.getinfo(1, "S").source:match("^@(.-)[^/]*$")
local bench = dofile(dir .. "common.lua")
local tree = dofile(dir .. "tree.lua").read()

bench.static("ListChildren", bench.management,
             '{"ParentId":"' .. tree.root .. '","ChildType":"ORGANIZATIONAL_UNIT","MaxResults":10}')
