/**
 * The invalid-token baseline of `npm run bench`: Express 5 answering every POST /mcp with
 * a bare 401, the least a server can do for a request it refuses.
 */
import express from 'express';

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/mcp', (_req, res) => {
  res.status(401).end();
});
app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
// Exits on SIGTERM (as osc-mcp does), so `--cpu-prof` (npm run bench --profile) writes its profile.
process.once('SIGTERM', () => process.exit(0));
