/**
 * The Lua scripts of the Redis store: every multi-key step that must be atomic (UPSTREAM-03, REDIS-06:
 * no half-written rotation). Registered with ioredis `defineCommand` (EVALSHA, falling back
 * to EVAL after a restart).
 */
// Index maintenance shared by put and putIfAbsent: prune members past their expiry, add
// this one, and keep the index alive at least as long as its longest-lived member.
const PUT = `
local ttl = tonumber(ARGV[2])
if ARGV[4] == '1' then
  if not redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl, 'NX') then return 0 end
else
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ttl)
end
if #KEYS == 2 then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now)
  redis.call('ZADD', KEYS[2], now + ttl, ARGV[3])
  if redis.call('PTTL', KEYS[2]) < ttl then redis.call('PEXPIRE', KEYS[2], ttl) end
end
return 1`;

// take (ARGV[3] = '1') and delete: read, delete, drop the member from its grant's index.
const TAKE = `
local v = redis.call('GET', KEYS[1])
if not v then return false end
redis.call('DEL', KEYS[1])
local ok, rec = pcall(cjson.decode, v)
if ok and type(rec) == 'table' and type(rec.grantId) == 'string' then
  redis.call('ZREM', ARGV[1] .. 'grantidx:' .. rec.grantId, ARGV[2])
end
if ARGV[3] == '1' then return v end
return false`;

// Compare-and-set on the grant's version: the fencing token of docs/architecture.md, "Token lifecycle" / UPSTREAM-03.
// KEYS[2] = the grant's index; ARGV[4] = the new grant's `access` ('' = none), ARGV[5] = the
// key prefix, ARGV[6] = the grant id, ARGV[7] = '1' on a cluster. When `access` changes, every
// other access member of the index but the stored grant's `access` is pruned (docs/storage.md,
// "Access tokens per grant"): deleted here on a single primary (a record that still names the
// grant, then its member); on a cluster the records live on other slots, so the members are
// returned for the caller's ordered steps. Returns {1, members…} when written, {0} otherwise.
const CAS = `
local v = redis.call('GET', KEYS[1])
if not v then return {0} end
local ok, rec = pcall(cjson.decode, v)
if not ok or type(rec) ~= 'table' or rec.version ~= tonumber(ARGV[1]) then return {0} end
redis.call('SET', KEYS[1], ARGV[2], 'PX', tonumber(ARGV[3]))
local out = {1}
if ARGV[4] == '' or type(rec.access) ~= 'string' or rec.access == ARGV[4] then return out end
local keep1, keep2 = 'access:' .. ARGV[4], 'access:' .. rec.access
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  if string.sub(m, 1, 7) == 'access:' and m ~= keep1 and m ~= keep2 then
    if ARGV[7] == '1' then
      out[#out + 1] = m
    else
      local r = redis.call('GET', ARGV[5] .. m)
      local dok, d = false, nil
      if r then dok, d = pcall(cjson.decode, r) end
      if dok and type(d) == 'table' and d.grantId == ARGV[6] then redis.call('DEL', ARGV[5] .. m) end
      redis.call('ZREM', KEYS[2], m)
    end
  end
end
return out`;

// The cascade: members still naming this grant, the grant, the index; all or nothing.
const REVOKE = `
for _, m in ipairs(redis.call('ZRANGE', KEYS[2], 0, -1)) do
  local v = redis.call('GET', ARGV[1] .. m)
  if v then
    local ok, rec = pcall(cjson.decode, v)
    if ok and type(rec) == 'table' and rec.grantId == ARGV[2] then redis.call('DEL', ARGV[1] .. m) end
  end
end
redis.call('DEL', KEYS[1], KEYS[2])
return 1`;

// Compare-and-delete: a holder whose lock expired cannot free the next holder's lock.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

// Redis Cluster (docs/storage.md, "Redis Cluster"): a script may touch only keys of one slot,
// and a record keyed by a secret's hash does not share its grant's slot. So on a cluster the
// grant-index steps above run as separate one-slot steps, in an order that never lets the
// cascade miss a record: the index member is added before the record is written, and the
// grant is deleted before its members are.

// The index half of PUT, alone on the grant's slot (KEYS[1] = grantidx:{g:<id>}).
const INDEX_ADD = `
local ttl = tonumber(ARGV[1])
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
redis.call('ZADD', KEYS[1], now + ttl, ARGV[2])
if redis.call('PTTL', KEYS[1]) < ttl then redis.call('PEXPIRE', KEYS[1], ttl) end
return 1`;

// The first step of the cascade on a cluster: the grant goes (nothing under it authenticates
// from here on) and the members to delete are returned; the index stays until they are gone.
const REVOKE_GRANT = `
local members = redis.call('ZRANGE', KEYS[2], 0, -1)
redis.call('DEL', KEYS[1])
return members`;

// One member of the cascade: deleted only while it still names the grant (ARGV[1]).
const DELETE_IF_GRANT = `
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local ok, rec = pcall(cjson.decode, v)
if ok and type(rec) == 'table' and rec.grantId == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`;

export const SCRIPTS = {
  oscmIndexAdd: { lua: INDEX_ADD, numberOfKeys: 1 },
  oscmRevokeGrant: { lua: REVOKE_GRANT, numberOfKeys: 2 },
  oscmDeleteIfGrant: { lua: DELETE_IF_GRANT, numberOfKeys: 1 },
  oscmPut: { lua: PUT },
  oscmTake: { lua: TAKE, numberOfKeys: 1 },
  oscmCas: { lua: CAS, numberOfKeys: 2 },
  oscmRevoke: { lua: REVOKE, numberOfKeys: 2 },
  oscmRelease: { lua: RELEASE, numberOfKeys: 1 },
} as const;
export type ScriptName = keyof typeof SCRIPTS;
