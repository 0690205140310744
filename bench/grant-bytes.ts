/**
 * Where a grant's Redis bytes go (issue 18, "Redis ≤ 1 KB per grant"; docs/storage.md, "Memory"):
 * `npx tsx bench/grant-bytes.ts [--mode build|tsx]`.
 *
 * One grant made by the real flow (register, /authorize, consent, the emulator's sign-in, code
 * exchange) on osc-mcp with a redis-server of its own, then:
 *  - every key that names the grant: its name's bytes, its value's bytes and what Redis adds
 *    (`MEMORY USAGE` less both: the key object, the value's encoding, the allocator's rounding);
 *  - the grant record's JSON, field by field;
 *  - the sealed OSC pair for other token shapes than the emulator's (OSC's PAT claims as
 *    documented, a larger `serviceLimits`, an RSA signature, longer refresh tokens): each
 *    sealed on the same grant with the same format (src/osc/lifecycle/tokens.ts), written as
 *    the grant record would be, and measured the same way;
 *  - `INFO memory` `used_memory` for 1,000 copies of the grant key, for what the key tables
 *    and the expiry entries add beyond `MEMORY USAGE`.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { TestRedis } from '../test/support/redis-server.js';
import { connect } from '../test/support/oauth-flow.js';
import { signJwt } from '../src/emulator/jwt.js';
import { openOscTokens, sealOscTokens, type OscTokenPair } from '../src/osc/lifecycle/tokens.js';
import { createSealer } from '../src/storage/seal.js';
import type { GrantRecord } from '../src/storage/records.js';
import { BENCH_SEAL_KEY, build, startNode, startSide, type Mode, type NodeServer } from './procs.js';
import { bytesOfGrant, grantIdOfKey, grantKeys } from './redis-bytes.js';

const { values: args } = parseArgs({ options: { mode: { type: 'string', default: 'build' } } });
const MODE = args.mode as Mode;
const PREFIX = 'oscmcp:';
const usage = async (redis: Redis, key: string) => Number(await redis.call('MEMORY', 'USAGE', key, 'SAMPLES', '0'));

/** An HS256 JWT like OSC's PATs (fast-jwt, shared secret); `sigBytes` 256 stands for an RSA signature. */
function jwt(claims: Record<string, unknown>, sigBytes = 32): string {
  const t = signJwt(claims, randomBytes(32));
  return sigBytes === 32 ? t : `${t.slice(0, t.lastIndexOf('.'))}.${randomBytes(sigBytes).toString('base64url')}`;
}

function oscShapes(emulator: OscTokenPair): Array<[string, OscTokenPair]> {
  const iat = Math.floor(Date.now() / 1000);
  // The claims OSC's admin-minted PATs carry (iss, iat, tenantId, userId, patId, serviceLimits),
  // with the exp an OAuth access token has; ids as long as OSC's tenant names and UUIDs.
  const documented = {
    iss: 'token.osaas.eyevinn.se',
    iat,
    exp: iat + 3600,
    tenantId: 'eyevinnlab-team',
    userId: randomUUID(),
    patId: randomUUID(),
    serviceLimits: {},
  };
  const limits = Object.fromEntries(
    [
      'eyevinn-test-adserver',
      'minio-minio',
      'valkey-io-valkey',
      'birme-osc-postgresql',
      'eyevinn-app-config-svc',
      'eyevinn-web-runner',
      'apache-couchdb',
      'eyevinn-intercom-manager',
      'eyevinn-auto-subtitles',
      'eyevinn-ffmpeg-s3',
    ].map((s) => [s, { maxInstances: 2 }]),
  );
  const opaque64 = randomBytes(48).toString('base64url');
  return [
    ['emulator (the flow above)', emulator],
    [
      'OSC PAT, documented claims, serviceLimits {}, HS256; refresh 64 chars',
      { accessToken: jwt(documented), refreshToken: opaque64 },
    ],
    [
      '… serviceLimits for 10 services',
      { accessToken: jwt({ ...documented, serviceLimits: limits }), refreshToken: opaque64 },
    ],
    [
      '… documented claims, RS256-sized signature (256 B)',
      { accessToken: jwt(documented, 256), refreshToken: opaque64 },
    ],
    [
      '… documented claims, HS256; refresh a JWT too',
      { accessToken: jwt(documented), refreshToken: jwt({ ...documented, typ: 'refresh' }) },
    ],
    ['… documented claims, HS256; no refresh token', { accessToken: jwt(documented) }],
  ];
}

/** `"name":value,` of each top-level field of a JSON object, in bytes. */
function fieldBytes(json: string): Array<[string, number]> {
  const o = JSON.parse(json) as Record<string, unknown>;
  return Object.entries(o).map(([k, v]) => [k, Buffer.byteLength(`${JSON.stringify(k)}:${JSON.stringify(v)},`)]);
}

async function main(): Promise<void> {
  if (MODE === 'build') build();
  const redisServer = await TestRedis.start();
  const redis = new Redis(redisServer.url);
  const children: NodeServer[] = [];
  try {
    const emulator = await startNode('emulator', MODE, 'src/emulator/main.ts', {}, { ready: '/__emulator/stats' });
    children.push(emulator);
    const ours = await startSide.ours(MODE, { url: emulator.url, redisUrl: redisServer.url }, {}, []);
    children.push(ours);
    await connect(ours.url, { user: 'bob' });
    const grantKey = (await grantKeys(redis, PREFIX)).find((k) => grantIdOfKey(k, PREFIX));
    if (!grantKey) throw new Error('no grant key');
    const grantId = grantIdOfKey(grantKey, PREFIX)!;
    const out: string[] = [];
    const line = (...cells: Array<string | number>) => out.push(`| ${cells.join(' | ')} |`);

    out.push(
      'Keys naming the grant, fresh (bytes):',
      '',
      '| key | name | value | Redis adds | MEMORY USAGE | TTL s |',
      '|---|---|---|---|---|---|',
    );
    const { keys } = await bytesOfGrant(redis, PREFIX, grantId);
    for (const k of keys) {
      const type = await redis.type(k.key);
      const value =
        type === 'string'
          ? Number(await redis.strlen(k.key))
          : (await redis.zrange(k.key, '0', '-1', 'WITHSCORES')).reduce((n, s) => n + Buffer.byteLength(s), 0);
      const name = Buffer.byteLength(k.key);
      line(
        `\`${k.kind}:\`${type === 'zset' ? ' (sorted set)' : ''}`,
        name,
        value,
        k.bytes - name - value,
        k.bytes,
        k.ttlS,
      );
    }

    const json = (await redis.get(grantKey))!;
    out.push('', `The grant record: ${Buffer.byteLength(json)} bytes of JSON:`, '', '| field | bytes |', '|---|---|');
    for (const [k, n] of fieldBytes(json)) line(`\`${k}\``, n);

    const grant = JSON.parse(json) as GrantRecord;
    const sealer = createSealer([BENCH_SEAL_KEY]);
    const pair = openOscTokens(sealer, grant);
    out.push(
      '',
      'The sealed OSC pair by token shape, on the same grant (bytes; `grant:` is MEMORY USAGE of the record with that pair):',
      '',
      '| OSC tokens | access token | refresh token | sealed pair | grant record JSON | `grant:` |',
      '|---|---|---|---|---|---|',
    );
    const ttl = Number(await redis.pttl(grantKey));
    for (const [label, p] of oscShapes(pair)) {
      const sealed = sealOscTokens(sealer, grant.id, p);
      const record = JSON.stringify({ ...grant, oscSealed: sealed });
      const scratch = `${PREFIX}grant:scratch${grant.id}`.slice(0, grantKey.length);
      await redis.set(scratch, record, 'PX', ttl);
      line(
        label,
        p.accessToken.length,
        p.refreshToken?.length ?? 0,
        sealed.length,
        Buffer.byteLength(record),
        await usage(redis, scratch),
      );
      await redis.del(scratch);
    }

    // What the keyspace's tables and the expiry entries add per key, beyond MEMORY USAGE.
    const before = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    const n = 1000;
    for (let i = 0; i < n; i += 100) {
      const batch = redis.pipeline();
      for (let j = i; j < i + 100; j++)
        batch.set(`${grantKey.slice(0, -6)}${String(j).padStart(6, '0')}`, json, 'PX', ttl);
      await batch.exec();
    }
    const after = Number(/used_memory:(\d+)/.exec(await redis.info('memory'))![1]);
    const perKey = Math.round((after - before) / n);
    out.push(
      '',
      `${n} copies of the grant key (same name length, same record, same TTL): used_memory +${perKey} bytes each, MEMORY USAGE ${await usage(redis, grantKey)}: ${perKey - (await usage(redis, grantKey))} bytes per key in the key tables and the expiry table.`,
    );
    process.stdout.write(`${out.join('\n')}\n`);
  } finally {
    for (const c of children.reverse()) await c.stop();
    redis.disconnect();
    await redisServer.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`grant-bytes failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
