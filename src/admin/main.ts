/**
 * `npm run admin -- <verb>`: operator commands against the Redis the replicas share
 * (docs/operations.md, "Operator controls"). Reads the same environment as the server
 * (REDIS_URL or REDIS_CLUSTER_NODES, REDIS_KEY_PREFIX, SEAL_KEYS) through the same schema. Refuses the memory store:
 * every process has its own, so there is nothing shared to administer. Prints summaries only,
 * never a token, a hash of one or a sealed value.
 */
import { pathToFileURL } from 'node:url';
import { loadConfigOrExit } from '../config.js';
import { createRedisClient, createRedisCluster, whenReady } from '../storage/redis-client.js';
import { RedisTokenStore } from '../storage/redis-store.js';
import { keyIdOf } from '../storage/seal.js';
import {
  AdminError,
  listClients,
  resumeClient,
  revokeClient,
  revokeUser,
  storeStats,
  suspendClient,
  type AdminStore,
  type ClientSummary,
} from './operator.js';

const USAGE = `usage: npm run admin -- <verb> [argument] [--json]
  clients                        clients: name, kind, redirect hosts, live grants, last use, suspension
  suspend <client_id>            block a client on every replica (tokens, refreshes, /authorize)
  resume <client_id>             lift a suspension
  revoke-client <client_id>      revoke every grant of a client
  revoke-user <tenant>[:<user>]  revoke every grant of an OSC user (or of a whole tenant)
  stats                          records per kind, grants per seal key, suspended clients
environment: REDIS_URL or REDIS_CLUSTER_NODES, SEAL_KEYS (and REDIS_KEY_PREFIX) as the replicas have them`;

const when = (ms: number | undefined): string =>
  ms === undefined ? '-' : new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');

/** Terminal-safe: client names are self-declared, so control characters never reach the operator's terminal. */
const clean = (s: string): string => s.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');

function table(rows: ClientSummary[]): string {
  const head = ['client_id', 'name', 'kind', 'redirect hosts', 'grants', 'last use', 'suspended'];
  const cells = rows.map((r) =>
    [
      r.clientId,
      r.name ?? '-',
      r.kind,
      r.redirectHosts.join(' ') || '-',
      String(r.liveGrants),
      when(r.lastUseAt),
      when(r.suspendedAt),
    ].map(clean),
  );
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  return [head, ...cells]
    .map((c) =>
      c
        .map((v, i) => v.padEnd(widths[i]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

/** Runs one verb; returns what to print. Exported for tests of the CLI's wording. */
export async function runVerb(store: AdminStore, args: string[], sealKeyIds: string[] = []): Promise<string> {
  const json = args.includes('--json');
  const [verb, arg, ...rest] = args.filter((a) => a !== '--json');
  const need = (what: string): string => {
    if (!arg || rest.length > 0) throw new AdminError(`${verb} takes exactly one ${what}`);
    return arg;
  };
  const out = (value: unknown, text: string): string => (json ? JSON.stringify(value, null, 2) : text);
  switch (verb) {
    case 'clients': {
      const rows = await listClients(store);
      return out(rows, rows.length ? table(rows) : 'no clients');
    }
    case 'suspend': {
      const id = need('client id');
      const { known } = await suspendClient(store, id);
      return out(
        { clientId: id, suspended: true, known },
        `suspended ${clean(id)}${known ? '' : ' (no registration or grant known yet: suspended anyway)'}`,
      );
    }
    case 'resume': {
      const id = need('client id');
      const was = await resumeClient(store, id);
      return out({ clientId: id, resumed: was }, was ? `resumed ${clean(id)}` : `${clean(id)} was not suspended`);
    }
    case 'revoke-client': {
      const id = need('client id');
      const n = await revokeClient(store, id);
      return out({ clientId: id, revokedGrants: n }, `revoked ${n} grant(s) of ${clean(id)}`);
    }
    case 'revoke-user': {
      const who = need('<tenant>[:<user>]');
      const n = await revokeUser(store, who);
      return out({ user: who, revokedGrants: n }, `revoked ${n} grant(s) of ${clean(who)}`);
    }
    case 'stats': {
      const s = await storeStats(store);
      const keyNote = (kid: string): string =>
        sealKeyIds[0] === kid
          ? 'current sealing key'
          : sealKeyIds.includes(kid)
            ? 'older key in SEAL_KEYS'
            : 'NOT in SEAL_KEYS: cannot be opened';
      const lines = [
        'records:',
        ...Object.entries(s.records).map(([k, n]) => `  ${k.padEnd(12)} ${n}`),
        'grants by seal key:',
        ...(Object.keys(s.grantsBySealKey).length
          ? Object.entries(s.grantsBySealKey).map(([kid, n]) => `  ${kid}  ${n}  (${keyNote(kid)})`)
          : ['  none']),
        `suspended clients: ${s.suspendedClients}`,
      ];
      return out(s, lines.join('\n'));
    }
    default:
      throw new AdminError(verb ? `unknown verb ${clean(verb)}\n${USAGE}` : USAGE);
  }
}

async function main(): Promise<number> {
  const args = process.argv.slice(2);
  if (args.length === 0 || args.includes('--help') || args.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return args.length === 0 ? 2 : 0;
  }
  const config = loadConfigOrExit();
  if (!config.redisUrl && !config.redisCluster) {
    process.stderr.write(
      'npm run admin needs REDIS_URL or REDIS_CLUSTER_NODES (and SEAL_KEYS): it works on the store the replicas share; with the memory store every process has its own, so there is nothing to administer\n',
    );
    return 2;
  }
  const clientOpts = { connectionName: 'osc-mcp-admin', commandTimeoutMs: 5_000 };
  const redis = config.redisCluster
    ? createRedisCluster(config.redisCluster, clientOpts)
    : createRedisClient(config.redisUrl as string, clientOpts);
  const store = new RedisTokenStore(redis, { prefix: config.redisKeyPrefix });
  try {
    await whenReady(redis);
    process.stdout.write(`${await runVerb(store, args, (config.sealKeys ?? []).map(keyIdOf))}\n`);
    return 0;
  } catch (err) {
    // AdminError is our own wording; anything else is named, never dumped (it could carry arguments).
    process.stderr.write(
      `${err instanceof AdminError ? err.message : `failed: ${err instanceof Error ? err.name : 'error'}: ${err instanceof Error ? err.message.slice(0, 200) : ''}`}\n`,
    );
    return err instanceof AdminError ? 2 : 1;
  } finally {
    await store.close();
  }
}

// Only when run as the entry point, so tests import runVerb without side effects.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().then((code) => process.exit(code));
}
