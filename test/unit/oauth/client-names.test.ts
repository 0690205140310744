// POLICY-01 (issue 16 class 5): a Client ID Metadata Document's client_name passes the same
// character filter as a registered name, and that filter also refuses bidirectional and
// zero-width characters, which could make a consent page read another name than the one
// stored (T8, T11).
import { describe, expect, it } from 'vitest';
import { clientFromDocument, CimdError } from '../../../src/oauth/cimd.js';
import { createSafeFetcher } from '../../../src/oauth/safe-fetch.js';

const ID = 'https://client.example/oauth/metadata.json';
const doc = (client_name: string) => ({ client_id: ID, client_name, redirect_uris: ['https://client.example/cb'] });

describe('POLICY-01: client names from metadata documents', () => {
  const fetcher = createSafeFetcher();
  it.each([
    ['a bell', 'Good\u0007App'],
    ['a right-to-left override', 'Good\u202eppA liveE'],
    ['a zero-width space', 'Goo\u200bgle'],
    ['an isolate', 'A\u2066B\u2069'],
    ['a line break', 'Good\nApp'],
    ['a C1 control', 'Good\u0085App'],
  ])('%s is refused', (_what, name) => {
    expect(() => clientFromDocument(ID, doc(name), fetcher, 0)).toThrow(CimdError);
  });
  it('a plain name, accents and all, is kept', () => {
    expect(clientFromDocument(ID, doc('Café Client – Ünïcode'), fetcher, 0).clientName).toBe('Café Client – Ünïcode');
  });
});
