// SSRF-01..SSRF-03 (issue 16 class 6; RFC 9728 §7.7, INPUT-10): the metadata-document fetcher
// refuses every address that is not global unicast, IPv6 forms that embed an IPv4
// address included. No connection is attempted: the literal is refused before any
// fetch, and a DNS answer is refused inside the lookup hook, before connect().
import { describe, expect, it } from 'vitest';
import { CimdError, createCimdResolver } from '../../../src/oauth/cimd.js';
import { guardedLookup, isPrivateAddress } from '../../../src/oauth/global-address.js';

// Each row: an address, and why it is not global (IANA IPv4/IPv6 special-purpose registries).
const NOT_GLOBAL: [string, string][] = [
  ['127.0.0.1', 'loopback'],
  ['10.1.2.3', 'private'],
  ['169.254.169.254', 'link-local (cloud metadata)'],
  ['100.64.0.1', 'shared address space'],
  ['192.88.99.1', '6to4 relay anycast (deprecated)'],
  ['255.255.255.255', 'limited broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['::ffff:127.0.0.1', 'IPv4-mapped loopback'],
  ['::ffff:a9fe:a9fe', 'IPv4-mapped link-local, hex form'],
  ['::127.0.0.1', 'IPv4-compatible loopback'],
  ['::a00:1', 'IPv4-compatible 10.0.0.1, hex form'],
  ['::8.8.8.8', 'IPv4-compatible (deprecated, RFC 4291 §2.5.5.1)'],
  ['::ffff:0:7f00:1', 'IPv4-translated (RFC 2765)'],
  ['64:ff9b::7f00:1', 'NAT64 well-known prefix embedding loopback'],
  ['64:ff9b::a9fe:a9fe', 'NAT64 well-known prefix embedding link-local'],
  ['64:ff9b:1::8.8.8.8', 'NAT64 local-use 64:ff9b:1::/48'],
  ['2002:7f00:1::', '6to4 embedding loopback'],
  ['2002:a00:1::1', '6to4 embedding 10.0.0.1'],
  ['2002:a9fe:a9fe::', '6to4 embedding the metadata address'],
  ['2001::5efe:7f00:1', 'Teredo 2001::/32'],
  ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'Teredo (RFC 4380 example)'],
  ['2001:2::1', 'benchmarking 2001:2::/48'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation 3fff::/20'],
  ['fec0::1', 'site-local (deprecated)'],
  ['feff::1', 'site-local upper end'],
  ['100::1', 'discard-only 100::/64'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['fe80::1', 'link-local'],
  ['febf::1', 'link-local upper end'],
  ['ff02::1', 'multicast'],
  ['5f00::1', 'SRv6 SIDs, outside 2000::/3'],
  ['fe80::1%eth0', 'zone identifier'],
  ['not-an-address', 'unparseable'],
];

const GLOBAL = [
  '8.8.8.8',
  '93.184.216.34',
  '2606:4700::1111',
  '2a00:1450:4001:81c::200e',
  '64:ff9b::808:808',
  '2002:808:808::1',
  '::ffff:8.8.8.8',
];

describe('SSRF-01: every non-global address is refused, embedded IPv4 decoded', () => {
  it.each(NOT_GLOBAL)('%s (%s) is refused', (address) => {
    expect(isPrivateAddress(address)).toBe(true);
  });
  it.each(GLOBAL)('%s is global and allowed', (address) => {
    expect(isPrivateAddress(address)).toBe(false);
  });
});

describe('SSRF-02: a metadata URL naming such a literal is refused before any fetch', () => {
  const resolver = createCimdResolver();
  it.each([
    'https://[::7f00:1]/client.json',
    'https://[::ffff:7f00:1]/client.json',
    'https://[2002:a9fe:a9fe::]/client.json',
    'https://[64:ff9b:1::a00:1]/client.json',
    'https://[2001::5efe:7f00:1]/client.json',
    'https://[fec0::1]/client.json',
    'https://[100::1]/client.json',
    'https://[fd00::1]/client.json',
    'https://[fe80::1]/client.json',
    'https://0x7f.1/client.json',
  ])('%s', async (clientId) => {
    const url = new URL(clientId).href;
    const err = await resolver.resolve(url).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(CimdError);
    expect((err as Error).message).toBe('the client_id URL points to a private address');
  });
});

describe('SSRF-03: a DNS answer naming such an address is refused before connect', () => {
  const answer = (addresses: string[]) =>
    new Promise<{ err: NodeJS.ErrnoException | null; address?: unknown }>((resolve) => {
      const lookup = guardedLookup((_host, _opts, cb) =>
        cb(
          null,
          addresses.map((address) => ({ address, family: address.includes(':') ? 6 : 4 })),
        ),
      );
      lookup('doc.example', { all: true }, (err, address) => resolve({ err, address }));
    });
  it.each([['2002:7f00:1::'], ['64:ff9b:1::1'], ['fec0::1'], ['8.8.8.8', '::ffff:a00:1']])(
    '%s',
    async (...addresses) => {
      const { err } = await answer(addresses);
      expect(err?.code).toBe('EPRIVATE');
    },
  );
  it('a global answer passes through', async () => {
    const { err, address } = await answer(['2606:4700::1111', '8.8.8.8']);
    expect(err).toBeNull();
    expect(address).toEqual([
      { address: '2606:4700::1111', family: 6 },
      { address: '8.8.8.8', family: 4 },
    ]);
  });
});
