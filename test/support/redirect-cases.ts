/**
 * The catalog's redirect URI cases, shared by the policy's unit test and the HTTP tests so
 * both levels judge the same list (OAUTH-05 at registration, OAUTH-09 at /authorize).
 */

/** OAUTH-05: refused at registration. */
export const REFUSED_AT_REGISTRATION: readonly string[] = [
  'javascript:alert(1)',
  'JaVaScRiPt:alert(1)',
  '\tjavascript:alert(1)',
  'java\u0000script:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'vbscript:msgbox(1)',
  'http://evil.example/cb',
  'https://c.example/cb#f',
  '/cb',
  'https://*.c.example/cb',
  'https://c.example/c\u0001b',
];

/** OAUTH-09: with `https://c.example/cb` and `http://127.0.0.1/cb` registered, refused at /authorize. */
export const MISMATCHED_AT_AUTHORIZE: readonly string[] = [
  'https://c.example/cb/',
  'https://C.example/cb',
  'https://c.example/cb?x=1',
  'https://c.example:8443/cb',
  'http://c.example/cb',
  'https://c.example@evil.example/cb',
  'https://c.example/%63b',
  'http://localhost:5000/cb',
];
