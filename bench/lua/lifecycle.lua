-- The invitation lifecycle, mixed, under several identities: the management account invites
-- fresh accounts and lists what its organization sent; each invitee describes the handshake it
-- received and accepts it with its own access key (its 12-digit account id).
--
-- A thread remembers the handshakes its own invitations created: an answer carrying an OPEN
-- handshake for a target this thread invited is a new one, queued for its invitee to accept.
-- Requests cycle invite -> describe -> list -> accept; describe and accept fall back to another
-- invitation until an answer has given them a handshake to work on.
local bench = dofile(debug.getinfo(1, "S").source:match("^@(.-)[^/]*$") .. "common.lua")

local salt, n, step = 0, 0, 0
local invited = {}         -- target -> true, until its handshake arrives
local to_accept = {}       -- FIFO of {id, target}
local head, tail = 1, 0
local latest = nil         -- the newest handshake, for describe
mix = { invite = 0, describe = 0, list = 0, accept = 0 }  -- reported by done()

function init(args)
   salt = tonumber(args[1]) or 0
end

local function invite()
   n = n + 1
   local target = bench.account_id(salt, n)
   invited[target] = true
   mix.invite = mix.invite + 1
   return bench.call("InviteAccountToOrganization", bench.management,
                     '{"Target":{"Id":"' .. target .. '","Type":"ACCOUNT"}}')
end

function request()
   step = step + 1
   local kind = step % 4
   if kind == 1 and latest then
      mix.describe = mix.describe + 1
      -- Either party may describe it; alternate between them.
      local who = (step % 8 == 1) and latest.target or bench.management
      return bench.call("DescribeHandshake", who, '{"HandshakeId":"' .. latest.id .. '"}')
   elseif kind == 2 then
      mix.list = mix.list + 1
      return bench.call("ListHandshakesForOrganization", bench.management, "{}")
   elseif kind == 3 and head <= tail then
      local h = to_accept[head]
      to_accept[head] = nil
      head = head + 1
      mix.accept = mix.accept + 1
      return bench.call("AcceptHandshake", h.target, '{"HandshakeId":"' .. h.id .. '"}')
   end
   return invite()
end

function response(status, headers, body)
   if not bench.check(status, body) or body:find('"Handshakes"', 1, true) then return end
   local id = body:match('"(h%-%x+)"')
   if not id or not body:find('"OPEN"', 1, true) then return end
   -- Which of this thread's invitations it answers: the party that is a target we invited.
   for account in body:gmatch('"(%d%d%d%d%d%d%d%d%d%d%d%d)"') do
      if invited[account] then
         invited[account] = nil
         latest = { id = id, target = account }
         tail = tail + 1
         to_accept[tail] = latest
         return
      end
   end
end
