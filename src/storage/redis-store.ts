/**
 * TokenStore over Redis (docs/architecture.md, "Storage"): survives restarts, shared by any number of replicas.
 *
 * Keys: `<prefix><kind>:<id>` (JSON), `<prefix>grantidx:<grantId>` (sorted set of
 * `<kind>:<id>` scored by expiry, for the revokeGrant cascade), `<prefix>lock:<name>`.
 * Every key is written with a TTL (REDIS-08); each multi-key change is one Lua script,
 * so a crash or failover never leaves half a write (REDIS-07). Scripts touch keys derived
 * from stored values (the cascade), which is fine on a single primary. Any Redis error or
 * timeout becomes StoreUnavailableError (REDIS-02: 503).
 *
 * On Redis Cluster (an ioredis `Cluster`, REDIS_CLUSTER_NODES) every script and transaction
 * touches one slot: a grant's keys carry the hash tag `{g:<grantId>}` (grant, grantidx) and a
 * user's `{u:<userKey>}` (usergrants); records keyed by a secret's hash cannot share their
 * grant's slot, so the index upkeep and the revocation cascade run as ordered one-slot steps
 * (docs/storage.md, "Redis Cluster"). The single-primary layout and scripts are unchanged.
 *
 * Replication is asynchronous (REDIS-06): with `waitReplicas` set, every grant write
 * that succeeded (the callback's first write after the OSC code exchange, the code
 * redemption, refresh-token rotations and the compare-and-set after an OSC token rotation)
 * is followed by `WAIT <count> <timeoutMs>`, so the OSC refresh token OSC just rotated is on
 * a replica before the request answers. WAIT never fails the request: fewer acknowledgements
 * than asked (or an error) is logged, and WAIT is then skipped for WAIT_PAUSE_MS, because on
 * the single shared connection a WAIT that times out holds every other command behind it.
 */
import { randomBytes } from 'node:crypto';
import type { Cluster } from 'ioredis';
import type { RedisClient } from './redis-client.js';
import type { Logger } from 'pino';
import { grantIdOf, ttlMs } from './memory-store.js';
import type { GrantRecord, Kind, Records } from './records.js';
import type { TokenStore } from './store.js';

import { SCRIPTS, type ScriptName } from './redis-scripts.js';
import { StoreUnavailableError } from '../errors.js';

/**
 * After replicas stopped acknowledging, WAIT is skipped this long: a WAIT that times out
 * blocks the shared connection for `timeoutMs`, and repeating it on every grant write while
 * a replica is down would stall every request of this process for nothing.
 */
export const WAIT_PAUSE_MS = 1_000;

/** Keys SCAN looks at per call: small enough that each call is short for Redis. */
const SCAN_COUNT = 500;

export interface WaitReplicas {
  /** Replicas that must acknowledge (WAIT's numreplicas), ≥ 1. */
  count: number;
  /** How long WAIT may block, in ms (> 0, below the client's command timeout (1 s by default)). */
  timeoutMs: number;
}

export interface RedisTokenStoreOptions {
  /** Key prefix (default `oscmcp:`); tests use a random one to isolate themselves. */
  prefix?: string;
  /** Whether close also closes the client (default true). */
  closeClient?: boolean;
  /** `WAIT count timeoutMs` after every grant write (REDIS-06). Off by default. */
  waitReplicas?: WaitReplicas;
  /** Receives the warning when WAIT comes back short or fails. */
  log?: Pick<Logger, 'warn'>;
}

/** Keeps only the error's name and message: ioredis errors may carry command arguments. */
function sanitized(err: unknown): Error {
  const e = err instanceof Error ? err : new Error(String(err));
  return new Error(`${e.name}: ${e.message}`.slice(0, 200));
}

/** TokenStore on a fail-fast ioredis client (see ./redis-client.ts). */
export class RedisTokenStore implements TokenStore {
  readonly prefix: string;
  /** Whether the client is a Redis Cluster: hash-tagged keys and one-slot steps. */
  readonly cluster: boolean;
  private readonly closeClient: boolean;
  private readonly waitReplicas: WaitReplicas | undefined;
  private readonly log: Pick<Logger, 'warn'> | undefined;
  /** Date.now before which WAIT is skipped (replicas recently did not acknowledge). */
  private waitPausedUntil = 0;

  constructor(
    private readonly client: RedisClient,
    opts: RedisTokenStoreOptions = {},
  ) {
    this.prefix = opts.prefix ?? 'oscmcp:';
    this.cluster = client.isCluster;
    this.closeClient = opts.closeClient ?? true;
    const w = opts.waitReplicas;
    // WAIT acknowledges one connection's writes; a cluster spreads them over several nodes.
    if (w && this.cluster) throw new RangeError('waitReplicas is for a single primary, not a cluster');
    if (w && (!Number.isInteger(w.count) || w.count < 1 || !Number.isInteger(w.timeoutMs) || w.timeoutMs <= 0)) {
      throw new RangeError('waitReplicas needs an integer count ≥ 1 and timeoutMs > 0');
    }
    this.waitReplicas = w;
    this.log = opts.log;
    // defineCommand sends EVALSHA and falls back to EVAL after a restart (NOSCRIPT).
    for (const [name, def] of Object.entries(SCRIPTS)) {
      if (!(name in client)) client.defineCommand(name, def);
    }
  }

  async put<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<void> {
    await this.write(kind, id, value, ttlMs(ttlSeconds), false);
  }

  async putIfAbsent<K extends Kind>(kind: K, id: string, value: Records[K], ttlSeconds: number): Promise<boolean> {
    return this.write(kind, id, value, ttlMs(ttlSeconds), true);
  }

  async get<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined> {
    const v = await this.call(() => this.client.get(this.key(kind, id)));
    return v == null ? undefined : (JSON.parse(v) as Records[K]);
  }

  async take<K extends Kind>(kind: K, id: string): Promise<Records[K] | undefined> {
    if (this.cluster) return this.takeOnCluster(kind, id) as Promise<Records[K] | undefined>;
    const v = await this.script('oscmTake', [this.key(kind, id)], [this.prefix, `${kind}:${id}`, '1']);
    return typeof v === 'string' ? (JSON.parse(v) as Records[K]) : undefined;
  }

  async delete(kind: Kind, id: string): Promise<void> {
    if (this.cluster) {
      await this.takeOnCluster(kind, id);
      return;
    }
    await this.script('oscmTake', [this.key(kind, id)], [this.prefix, `${kind}:${id}`, '0']);
  }

  /** Cluster: GETDEL is the atomic single use; the index member goes after, on the grant's slot. */
  private async takeOnCluster(kind: Kind, id: string): Promise<unknown> {
    const v = await this.call(() => this.client.getdel(this.key(kind, id)));
    if (v == null) return undefined;
    const value: unknown = JSON.parse(v);
    const grantId = grantIdOf(value);
    if (grantId !== undefined) await this.call(() => this.client.zrem(this.indexKey(grantId), `${kind}:${id}`));
    return value;
  }

  async casGrant(next: GrantRecord, expectedVersion: number, ttlSeconds: number): Promise<boolean> {
    const ms = ttlMs(ttlSeconds);
    if (next.version !== expectedVersion + 1) throw new RangeError('next.version must be expectedVersion + 1');
    const keys = [this.key('grant', next.id), this.indexKey(next.id)];
    const args = [
      String(expectedVersion),
      JSON.stringify(next),
      String(ms),
      next.access ?? '',
      this.prefix,
      next.id,
      this.cluster ? '1' : '0',
    ];
    const [written, ...pruned] = (await this.script('oscmCas', keys, args)) as [number, ...string[]];
    if (written !== 1) return false;
    // Cluster: the older access records on their own slots, then their members (as revokeGrant does).
    if (pruned.length > 0) await this.deleteMembers(next.id, pruned);
    await this.replicate();
    return true;
  }

  async revokeGrant(grantId: string): Promise<void> {
    const keys = [this.key('grant', grantId), this.indexKey(grantId)];
    if (!this.cluster) {
      await this.script('oscmRevoke', keys, [this.prefix, grantId]);
      return;
    }
    // Cluster: the grant first (from here nothing under it authenticates), then each member
    // on its own slot if it still names the grant, then those members leave the index. A step
    // that fails leaves only records of a grant that no longer exists, until their TTL.
    await this.deleteMembers(grantId, (await this.script('oscmRevokeGrant', keys, [])) as string[]);
  }

  /** Cluster: each member on its own slot while it still names the grant, then the members leave the index. */
  private async deleteMembers(grantId: string, members: string[]): Promise<void> {
    if (members.length === 0) return;
    await Promise.all(members.map((m) => this.script('oscmDeleteIfGrant', [this.prefix + m], [grantId])));
    await this.call(() => this.client.zrem(this.indexKey(grantId), ...members));
  }

  /** A sorted set per user: members are grant ids scored by when the link expires. */
  async linkUserGrant(userKey: string, grantId: string, ttlSeconds: number): Promise<void> {
    const ms = ttlMs(ttlSeconds);
    const key = this.userKey(userKey);
    const until = Date.now() + ms;
    await this.call(() =>
      this.client
        .multi()
        .zadd(key, 'GT', until, grantId)
        .zremrangebyscore(key, '-inf', Date.now())
        // GT treats a key without TTL as infinite, so NX sets the first one.
        .pexpire(key, ms, 'GT')
        .pexpire(key, ms, 'NX')
        .exec(),
    );
  }

  async userGrants(userKey: string): Promise<string[]> {
    const key = this.userKey(userKey);
    const ids = await this.call(() => this.client.zrangebyscore(key, Date.now(), '+inf'));
    if (ids.length === 0) return [];
    // One EXISTS per grant, sent together: on a cluster the grants live on different slots.
    const exists = await this.call(() => Promise.all(ids.map((id) => this.client.exists(this.key('grant', id)))));
    const gone = ids.filter((_, i) => exists[i] === 0);
    if (gone.length) await this.call(() => this.client.zrem(key, ...gone));
    return ids.filter((_, i) => exists[i] === 1);
  }

  async acquireLock(name: string, ttlMsValue: number): Promise<string | undefined> {
    if (!Number.isFinite(ttlMsValue) || ttlMsValue <= 0) throw new RangeError('lock ttl must be positive');
    const owner = randomBytes(16).toString('base64url');
    const ok = await this.call(() => this.client.set(this.lockKey(name), owner, 'PX', Math.ceil(ttlMsValue), 'NX'));
    return ok === 'OK' ? owner : undefined;
  }

  async releaseLock(name: string, owner: string): Promise<void> {
    await this.script('oscmRelease', [this.lockKey(name)], [owner]);
  }

  /**
   * SCAN (never KEYS: it would block Redis) over `<prefix><kind>:*`, then the values per
   * batch: MGET on a single primary; on a cluster each primary is scanned in turn and the
   * values read one GET each (a batch spans slots).
   */
  async *scan<K extends Kind>(kind: K): AsyncIterable<Array<[string, Records[K]]>> {
    const head = `${this.prefix}${kind}:`;
    const nodes = this.cluster ? (this.client as Cluster).nodes('master') : [this.client];
    for (const node of nodes) {
      let cursor = '0';
      do {
        const [next, keys] = await this.call(() => node.scan(cursor, 'MATCH', `${head}*`, 'COUNT', SCAN_COUNT));
        cursor = next;
        if (keys.length === 0) continue;
        const values = await this.call(() =>
          this.cluster ? Promise.all(keys.map((k) => this.client.get(k))) : this.client.mget(keys),
        );
        const batch: Array<[string, Records[K]]> = [];
        keys.forEach((k, i) => {
          const v = values[i];
          if (v != null) batch.push([this.idOfKey(kind, k.slice(head.length)), JSON.parse(v) as Records[K]]);
        });
        if (batch.length > 0) yield batch;
      } while (cursor !== '0');
    }
  }

  async ping(): Promise<void> {
    await this.call(() => this.client.ping());
  }

  async close(): Promise<void> {
    if (!this.closeClient) return;
    try {
      await this.client.quit();
    } catch {
      // Already disconnected (Redis down): drop the socket and stop reconnecting.
      this.client.disconnect();
    }
  }

  /** The grant's part of a key: on a cluster its hash tag, so grant and index share a slot. */
  private grantPart = (grantId: string): string => (this.cluster ? `{g:${grantId}}` : grantId);
  private key = (kind: Kind, id: string): string =>
    `${this.prefix}${kind}:${kind === 'grant' ? this.grantPart(id) : id}`;
  private idOfKey = (kind: Kind, rest: string): string =>
    this.cluster && kind === 'grant' && rest.startsWith('{g:') && rest.endsWith('}') ? rest.slice(3, -1) : rest;
  private indexKey = (grantId: string): string => `${this.prefix}grantidx:${this.grantPart(grantId)}`;
  private lockKey = (name: string): string => `${this.prefix}lock:${name}`;
  private userKey = (userKey: string): string =>
    `${this.prefix}usergrants:${this.cluster ? `{u:${userKey}}` : userKey}`;

  private async write(kind: Kind, id: string, value: unknown, ms: number, nx: boolean): Promise<boolean> {
    const grantId = grantIdOf(value);
    if (this.cluster) {
      // Cluster: the index member first (on the grant's slot), then the record on its own,
      // so a revocation running in between still finds it (docs/storage.md, "Redis Cluster").
      if (grantId !== undefined)
        await this.script('oscmIndexAdd', [this.indexKey(grantId)], [String(ms), `${kind}:${id}`]);
      const key = this.key(kind, id);
      const json = JSON.stringify(value);
      const ok = await this.call(() =>
        nx ? this.client.set(key, json, 'PX', ms, 'NX') : this.client.set(key, json, 'PX', ms),
      );
      return ok === 'OK';
    }
    const keys = [this.key(kind, id), ...(grantId === undefined ? [] : [this.indexKey(grantId)])];
    const args = [JSON.stringify(value), String(ms), `${kind}:${id}`, nx ? '1' : '0'];
    const written = (await this.script('oscmPut', keys, args, keys.length)) === 1;
    if (written && kind === 'grant') await this.replicate();
    return written;
  }

  /**
   * WAIT for the replicas to acknowledge this connection's writes so far (REDIS-06).
   * Never throws: the write is done on the primary; a short count is only logged.
   */
  private async replicate(): Promise<void> {
    const w = this.waitReplicas;
    if (!w || Date.now() < this.waitPausedUntil) return;
    const started = Date.now();
    let acked: number;
    try {
      acked = await this.client.wait(w.count, w.timeoutMs);
    } catch (err) {
      this.waitPausedUntil = Date.now() + WAIT_PAUSE_MS;
      this.log?.warn(
        { event: 'redis_wait_failed', message: sanitized(err).message },
        'Redis WAIT failed; the write may not be on a replica yet',
      );
      return;
    }
    if (acked < w.count) {
      this.waitPausedUntil = Date.now() + WAIT_PAUSE_MS;
      this.log?.warn(
        { event: 'redis_wait_short', acked, wanted: w.count, ms: Date.now() - started, pausedMs: WAIT_PAUSE_MS },
        'fewer Redis replicas acknowledged a grant write than asked; a failover now could lose it',
      );
    }
  }

  private script(name: ScriptName, keys: string[], args: string[], numKeys?: number): Promise<unknown> {
    const fn = (this.client as unknown as Record<ScriptName, (...a: (string | number)[]) => Promise<unknown>>)[name];
    // oscmPut takes a variable number of keys: ioredis expects the count first then.
    const params = numKeys === undefined ? [...keys, ...args] : [numKeys, ...keys, ...args];
    return this.call(() => fn.apply(this.client, params));
  }

  private async call<T>(fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (err) {
      throw new StoreUnavailableError(sanitized(err));
    }
  }
}
