/**
 * Whether a client's redirect URI can be trusted with an answer the person did not choose
 * (RFC 9700 §4.11.2; docs/security.md, POLICY-02..04).
 *
 * Anyone can register a client (RFC 7591) with any redirect URI, so a dynamically
 * registered client's redirect URI says nothing about who receives it: sending an error
 * there without the person's choice would make us an open redirector. A Client ID Metadata
 * Document client is verified when its redirect URI is on the document's own host: whoever
 * publishes the document controls where the answer goes. Any other redirect URI of such a
 * client (another host, loopback) is unverified too, and the consent page says the hosts differ.
 */
import type { ClientRecord } from '../storage/records.js';

/** The host (lower case, no port) of a URI, or undefined when it has none. */
export function hostnameOf(uri: string): string | undefined {
  try {
    return new URL(uri).hostname.toLowerCase() || undefined;
  } catch {
    return undefined;
  }
}

/** For a metadata-document client, the host that published the document. */
export function documentHost(client: ClientRecord): string | undefined {
  return client.source === 'cimd' ? hostnameOf(client.clientId) : undefined;
}

/** True when the redirect URI is on the host of the client's metadata document. */
export function redirectIsVerified(client: ClientRecord, redirectUri: string): boolean {
  const doc = documentHost(client);
  return doc !== undefined && hostnameOf(redirectUri) === doc;
}

/** For a metadata-document client whose redirect URI is on another host: both hosts, to warn the person. */
export function hostMismatch(
  client: ClientRecord,
  redirectUri: string,
): { documentHost: string; redirectHost: string } | undefined {
  const doc = documentHost(client);
  if (doc === undefined || redirectIsVerified(client, redirectUri)) return undefined;
  return { documentHost: doc, redirectHost: hostnameOf(redirectUri) ?? redirectUri };
}
