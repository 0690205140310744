/**
 * setupFile of the integration and e2e projects (vitest.config.ts): their files share a
 * worker's module cache, and startServer installs a process-wide undici dispatcher toward
 * its emulator (src/osc/dispatcher.ts) that its close() shuts. Each file starts with a
 * fresh default dispatcher, as in a process of its own.
 */
import { Agent, setGlobalDispatcher } from 'undici';

setGlobalDispatcher(new Agent());
