/**
 * Which IP addresses an outbound fetch on an outsider's behalf may reach (EGRESS-02, INPUT-10,
 * SSRF-01..03 in docs/security.md): global unicast only. IPv4 against the IANA IPv4
 * special-purpose registry; IPv6 must sit in 2000::/3 minus its non-global blocks, and the
 * forms that carry an IPv4 address (mapped, NAT64 well-known prefix, 6to4) are judged by
 * that IPv4 address. Forms that tunnel to somewhere we cannot judge (IPv4-compatible,
 * Teredo) are refused outright. Anything unparseable is refused.
 */
import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { BlockList, isIP, type LookupFunction } from 'node:net';

const v4Blocked = new BlockList();
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.0.2.0', 24],
  ['192.88.99.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['198.51.100.0', 24],
  ['203.0.113.0', 24],
  ['224.0.0.0', 4],
  ['240.0.0.0', 4],
] as const)
  v4Blocked.addSubnet(net, prefix, 'ipv4');

// Inside 2000::/3 (global unicast), the blocks that are not global (RFC 6890, RFC 9637).
const v6Blocked = new BlockList();
for (const [net, prefix] of [
  ['2001::', 23],
  ['2001:db8::', 32],
  ['3fff::', 20],
] as const)
  v6Blocked.addSubnet(net, prefix, 'ipv6');

type Groups = [number, number, number, number, number, number, number, number];

/** The eight 16-bit groups of an IPv6 literal, or undefined (zone ids, garbage). */
function ipv6Groups(address: string): Groups | undefined {
  let canonical: string;
  try {
    // The URL parser rewrites a dotted tail (::ffff:1.2.3.4) into hex groups.
    canonical = new URL(`http://[${address}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const [head = '', tail] = canonical.split('::');
  const part = (s: string) => (s === '' ? [] : s.split(':').map((g) => Number.parseInt(g, 16)));
  const left = part(head);
  const right = tail === undefined ? [] : part(tail);
  const groups = [...left, ...new Array(8 - left.length - right.length).fill(0), ...right];
  return groups.length === 8 ? (groups as Groups) : undefined;
}

const v4Of = (hi: number, lo: number) => `${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`;
const v4Global = (address: string) => !v4Blocked.check(address, 'ipv4');

function v6Global(address: string): boolean {
  const g = ipv6Groups(address);
  if (!g) return false;
  const zeros = (from: number, to: number) => g.slice(from, to).every((x) => x === 0);
  // ::ffff:a.b.c.d reaches a.b.c.d: judge that.
  if (zeros(0, 5) && g[5] === 0xffff) return v4Global(v4Of(g[6], g[7]));
  // 64:ff9b::/96, the NAT64 well-known prefix (RFC 6052): the translator reaches the IPv4 inside.
  if (g[0] === 0x64 && g[1] === 0xff9b && zeros(2, 6)) return v4Global(v4Of(g[6], g[7]));
  // 2002::/16, 6to4 (RFC 3056): the relay reaches the IPv4 in bits 16..47.
  if (g[0] === 0x2002) return v4Global(v4Of(g[1], g[2]));
  // Everything else outside 2000::/3 is not global: ::/96 IPv4-compatible, 64:ff9b:1::/48
  // NAT64 local use, 100::/64 discard-only, fc00::/7, fe80::/10, fec0::/10, ff00::/8, ...
  if ((g[0] & 0xe000) !== 0x2000) return false;
  return !v6Blocked.check(address.toLowerCase(), 'ipv6');
}

/** True for any address a fetch on an outsider's behalf must never reach. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return !v4Global(address);
  if (family === 6) return !v6Global(address);
  return true;
}

/** The same policy for a URL's host when it is an IP literal (brackets stripped). */
export function isPrivateLiteralHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '');
  return isIP(host) !== 0 && isPrivateAddress(host);
}

type Resolve = (
  hostname: string,
  options: { all: true },
  callback: (err: NodeJS.ErrnoException | null, addresses: LookupAddress[]) => void,
) => void;

/**
 * A `lookup` for undici's connect options that refuses the whole answer if any address
 * is not global, so the address we connect to is the one we checked (no DNS rebinding
 * between check and connect). `resolve` is injectable for tests.
 */
export function guardedLookup(resolve: Resolve = dnsLookup as unknown as Resolve): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, { ...options, all: true }, (err, list) => {
      if (err) return callback(err, '', 4);
      if (list.length === 0 || list.some((a) => isPrivateAddress(a.address))) {
        return callback(Object.assign(new Error('refused: private address'), { code: 'EPRIVATE' }), '', 4);
      }
      if ((options as { all?: boolean }).all)
        return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, list);
      const [first] = list as [LookupAddress];
      return callback(null, first.address, first.family);
    });
  };
}
