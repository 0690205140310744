/**
 * sendUnauthorized (src/oauth/challenge.ts) answers every invalid token from a memo of
 * prepared answers: each combination keeps its own header and body, repeated answers are
 * identical, and a caller past the memo's bound still gets its own words (OAUTH-03).
 */
import express from 'express';
import { describe, expect, it } from 'vitest';
import { sendUnauthorized } from '../../../src/oauth/challenge.js';
import { inject } from '../../support/inject.js';

const RM = 'https://mcp.example/.well-known/oauth-protected-resource/mcp';

const app = express();
app.get('/x', (req, res) => {
  const description = typeof req.query.d === 'string' ? req.query.d : undefined;
  sendUnauthorized(res, { resourceMetadataUrl: RM, error: req.query.e ? 'invalid_token' : undefined, description });
});
const get = (query: string) => inject(app, { method: 'GET', url: `/x?${query}` });

describe('sendUnauthorized', () => {
  it('answers 401 with the challenge, no-store and the JSON body, the same each time', async () => {
    const first = await get('e=1&d=expired');
    const again = await get('e=1&d=expired');
    for (const r of [first, again]) {
      expect(r.status).toBe(401);
      expect(r.headers['www-authenticate']).toBe(
        `Bearer error="invalid_token", error_description="expired", resource_metadata="${RM}"`,
      );
      expect(r.headers['cache-control']).toBe('no-store');
      expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(JSON.parse(r.body)).toEqual({ error: 'invalid_token', error_description: 'expired' });
    }
  });

  it('keeps each combination apart, also beyond the memo bound', async () => {
    const none = await get('');
    expect(none.headers['www-authenticate']).toBe(`Bearer resource_metadata="${RM}"`);
    expect(JSON.parse(none.body)).toEqual({ error: 'invalid_token', error_description: 'authorization required' });
    for (let i = 0; i < 100; i += 1) {
      const r = await get(`d=reason-${i}`);
      expect(r.headers['www-authenticate']).toBe(`Bearer error_description="reason-${i}", resource_metadata="${RM}"`);
      expect(JSON.parse(r.body).error_description).toBe(`reason-${i}`);
    }
  });
});
