/**
 * Leak scans (docs/security.md, SECRETS family): where secrets occur in logs and in every
 * response our server sent to the client side of a test.
 */
import { observeResponses } from './http.js';

export interface Haystack {
  where: string;
  text: string;
}

/** Every (haystack, secret) pair where the secret occurs; [] when clean. Secrets shorter than 8 chars are ignored. */
export function findSecrets(haystacks: readonly Haystack[], secrets: Iterable<string>): string[] {
  const hits: string[] = [];
  const list = [...new Set(secrets)].filter((s) => s.length >= 8);
  for (const h of haystacks) {
    for (const s of list) {
      if (h.text.includes(s)) hits.push(`${h.where}: …${s.slice(0, 12)}…`);
      // Also the URL-encoded form (a secret in a query string).
      else if (encodeURIComponent(s) !== s && h.text.includes(encodeURIComponent(s)))
        hits.push(`${h.where} (url-encoded): …${s.slice(0, 12)}…`);
    }
  }
  return hits;
}

export function logHaystacks(logs: readonly string[], where = 'log'): Haystack[] {
  return logs.map((text, i) => ({ where: `${where}[${i}]`, text }));
}

export interface RecordedResponse {
  method: string;
  url: string;
  status: number;
  headers: string;
  body: string;
}

/**
 * Records every response from `origin` (our server) to the test's client side in this process:
 * whoever calls the global fetch, and the helpers that send through ./http.ts. The server's
 * own calls to OSC go elsewhere and are not recorded. Bodies are read from a clone, so callers
 * see the response unchanged.
 */
export function recordResponses(origin: string): {
  responses: RecordedResponse[];
  haystacks(): Haystack[];
  stop(): Promise<void>;
} {
  const original = globalThis.fetch;
  const responses: RecordedResponse[] = [];
  const pending: Promise<void>[] = [];
  const record = (url: string, method: string, res: Response): void => {
    if (new URL(url).origin !== origin) return;
    pending.push(
      res
        .clone()
        .text()
        .then((body) => {
          responses.push({ method, url, status: res.status, headers: JSON.stringify([...res.headers]), body });
        }),
    );
  };
  const unobserve = observeResponses(record);
  globalThis.fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await original(input, init);
    record(
      typeof input === 'string' ? input : input instanceof URL ? input.toString() : input.url,
      init?.method ?? 'GET',
      res,
    );
    return res;
  };
  return {
    responses,
    haystacks: () =>
      responses.flatMap((r, i) => [
        { where: `response[${i}] ${r.method} ${r.url.replace(/\?.*/, '')} headers`, text: r.headers },
        { where: `response[${i}] ${r.method} ${r.url.replace(/\?.*/, '')} body`, text: r.body },
      ]),
    /** Restores fetch once every recorded body has been read. */
    async stop() {
      globalThis.fetch = original;
      unobserve();
      await Promise.all(pending);
    },
  };
}
