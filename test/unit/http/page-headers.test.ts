// Escaping on our HTML pages (OAUTH-13).
import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/http/page-headers.js';

describe('escapeHtml (consent and error pages)', () => {
  it('renders a hostile client name inert', () => {
    const out = escapeHtml(`<img src=x onerror=alert(1)>"'&\``);
    expect(out).not.toMatch(/[<>"'`]/);
    expect(out).not.toMatch(/&(?!#\d+;)/);
    expect(out).toContain('&#60;img');
  });

  it('also escapes = and / so attribute-context tricks stay text', () => {
    expect(escapeHtml('https://x/"onerror=alert(1)')).toBe('https:&#47;&#47;x&#47;&#34;onerror&#61;alert(1)');
  });
});
