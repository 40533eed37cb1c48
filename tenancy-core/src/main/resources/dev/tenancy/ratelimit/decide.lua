-- Tenancy: decide a batch of rate-limit requests of one tenant in one call, on Redis's clock.
-- See dev.tenancy.ratelimit.ScriptRateLimiter for the model and why every number stays an
-- exact integer below 2^53 (Redis Lua numbers are doubles).
--
-- KEYS: the distinct buckets of the batch (all of one tenant, so one hash tag, one slot).
-- ARGV[1]: milliseconds a key outlives the moment its bucket is full again.
-- ARGV[2 .. 1 + 4 * #KEYS]: per key, the caller's plan: version, limit, window (us), capacity.
-- Then per request, in arrival order: mode (0 consume, 1 peek, 2 charge), cost, index of the
-- tenant key, index of the user key (0 for none).
-- Reply: per request six integers: tenant remaining, tenant us to next refill (0 when full),
-- tenant us until the cost could be paid (0 when it can be now), then the same for the user.
-- A bucket state is one string of six decimal integers, written with SET ... PX (one command
-- for value and expiry): t tokens, r last refill (us, on the refill grid), v version, l limit,
-- w window (us), c capacity.

-- Globals are looked up in a protected table on every use: keep the ones used often local.
local call, tonumber, floor, format, match = redis.call, tonumber, math.floor, string.format, string.match

local clock = call('TIME')
local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
local keep = tonumber(ARGV[1])

-- a // b for integers 0 <= a, 1 <= b below 2^53: the double quotient may round up to the
-- next integer, so correct it.
local function idiv(a, b)
  local q = floor(a / b)
  if q * b > a then
    q = q - 1
  elseif (q + 1) * b <= a then
    q = q + 1
  end
  return q
end

local function ceildiv(a, b)
  local q = idiv(a, b)
  if q * b < a then
    q = q + 1
  end
  return q
end

-- Whole windows since the last refill add limit tokens each (capped at the capacity); the
-- refill grid moves on by those windows, full or not (bucket4j's interval refill).
local function refill(s)
  if now <= s.r then
    return
  end
  local n = idiv(now - s.r, s.w)
  if n <= 0 then
    return
  end
  s.r = s.r + n * s.w
  if s.t < s.c then
    if n >= ceildiv(s.c - s.t, s.l) then
      s.t = s.c
    else
      s.t = s.t + n * s.l
    end
  end
end

local function max0(x)
  if x < 0 then
    return 0
  end
  return x
end

local function nextRefill(s)
  if s.t >= s.c then
    return 0
  end
  return s.r + s.w - now
end

-- How long until cost tokens are there; 0 if they are now; one window if never (cost above
-- the capacity: no wait helps).
local function wait(s, cost)
  if cost <= s.t then
    return 0
  end
  if cost > s.c then
    return s.w
  end
  return (s.r + s.w - now) + (ceildiv(cost - s.t, s.l) - 1) * s.w
end

local buckets = {}
for k = 1, #KEYS do
  local a = 1 + (k - 1) * 4
  local v, l, w, c = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2]), tonumber(ARGV[a + 3]), tonumber(ARGV[a + 4])
  local stored = call('GET', KEYS[k])
  local t, r, sv, sl, sw, sc
  if stored then
    t, r, sv, sl, sw, sc = match(stored, '^(%d+) (%d+) (%d+) (%d+) (%d+) (%d+)$')
  end
  local s
  if sc then
    s = { t = tonumber(t), r = tonumber(r), v = tonumber(sv), l = tonumber(sl), w = tonumber(sw), c = tonumber(sc) }
    refill(s)
    if v > s.v then
      -- A newer plan replaces the stored one: a larger capacity adds the difference, a smaller
      -- one caps (bucket4j's ADDITIVE); the refill grid stays.
      if c > s.c then
        s.t = s.t + (c - s.c)
      elseif s.t > c then
        s.t = c
      end
      s.v, s.l, s.w, s.c = v, l, w, c
      refill(s)
    end
  else
    s = { t = c, r = now, v = v, l = l, w = w, c = c }
  end
  s.paid = false
  buckets[k] = s
end

local reply = {}
local base = 1 + #KEYS * 4
local requests = (#ARGV - base) / 4
for i = 0, requests - 1 do
  local a = base + i * 4
  local mode, cost = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
  local tenant = buckets[tonumber(ARGV[a + 3])]
  local ui = tonumber(ARGV[a + 4])
  local user = nil
  if ui > 0 then
    user = buckets[ui]
  end
  if mode == 2 then
    -- charge: every bucket pays, down to empty at most
    tenant.t = max0( tenant.t - cost)
    tenant.paid = true
    if user then
      user.t = max0( user.t - cost)
      user.paid = true
    end
  end
  local tw = wait(tenant, cost)
  local uw = 0
  if user then
    uw = wait(user, cost)
  end
  if mode == 0 and tw == 0 and uw == 0 then
    -- every bucket pays, or (above) none does
    tenant.t = tenant.t - cost
    tenant.paid = true
    if user then
      user.t = user.t - cost
      user.paid = true
    end
  end
  reply[#reply + 1] = tenant.t
  reply[#reply + 1] = nextRefill(tenant)
  reply[#reply + 1] = tw
  if user then
    reply[#reply + 1] = user.t
    reply[#reply + 1] = nextRefill(user)
    reply[#reply + 1] = uw
  else
    reply[#reply + 1] = 0
    reply[#reply + 1] = 0
    reply[#reply + 1] = 0
  end
end

for k = 1, #KEYS do
  local s = buckets[k]
  if s.paid then
    local full = 0
    if s.t < s.c then
      full = (s.r + s.w - now) + (ceildiv(s.c - s.t, s.l) - 1) * s.w
    end
    local px = ceildiv(full, 1000) + keep
    if px < 1 then
      px = 1
    end
    call('SET', KEYS[k], format('%d %d %d %d %d %d', s.t, s.r, s.v, s.l, s.w, s.c), 'PX',
      format('%d', px))
  end
end
return reply
