/**
 * The entry point of a replica process in tests (./replica-process.ts): `npm start`'s boot
 * (src/main.ts: configuration from the environment, then startServer) plus operating numbers
 * from OSC_MCP_TEST_DEFAULTS, a JSON object of src/defaults.ts names, so a case that kills a
 * replica holding the refresh lock waits a short lock TTL. Only this file, under test/, reads
 * that variable: `npm start` and the sandbox never do.
 */
import { loadConfigOrExit } from '../../src/config.js';
import type { Defaults } from '../../src/defaults.js';
import { createLogger } from '../../src/log.js';
import { startServer } from '../../src/server.js';

const config = loadConfigOrExit();
const defaults = JSON.parse(process.env.OSC_MCP_TEST_DEFAULTS ?? '{}') as Partial<Defaults>;
const running = await startServer(config, createLogger({ level: config.logLevel }), { defaults });
process.stdout.write(`MCP endpoint: ${running.mcpUrl}\n`);
