/**
 * An entity tag for a body that never changes while the process runs (the metadata
 * documents, the page style sheet), computed once. The app hashes no other body (issue 18);
 * Express still answers 304 to a matching `If-None-Match` when a response carries a tag.
 */
import { createHash } from 'node:crypto';

export function staticTag(body: string): string {
  return `W/"${Buffer.byteLength(body).toString(16)}-${createHash('sha1').update(body).digest('base64').slice(0, 27)}"`;
}
