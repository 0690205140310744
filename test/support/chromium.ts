/**
 * Headless Chromium for the browser tests: Debian's packages driven through playwright-core
 * (docs/security.md, "Test-case index"). Never a browser download (`npx playwright install`).
 *
 * The binary is Debian's `chromium-headless-shell` when installed (CI's `.ci/run` installs it),
 * else the full browser, `/usr/bin/chromium`. Both are the same Chromium build and the tests
 * assert the same things in either; the shell lacks the full browser's window and its UI (the
 * full browser gives every new page a window with an omnibox popup rendered in a renderer of its
 * own), and costs a third of its CPU: a launch and five pages measured 1.2 s of CPU in the shell
 * processes against 3.8 s in the full browser's. When neither is present, `ensureChromium()`
 * installs the shell once (as root, through apt-get), or the full browser where the shell is not
 * packaged.
 *
 * A test that needs Chromium calls `chromiumAvailable()` for its `describe.skipIf`; under
 * `CI=true` a missing binary is a failure, never a skip (`requireChromiumInCi`).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, BrowserContext } from 'playwright-core';

// playwright-core is CommonJS (7 MB in two bundles). Imported from ESM, Node 20 first scans each
// of its files for named exports (cjs-module-lexer); required, it only compiles them.
const { chromium } = createRequire(import.meta.url)('playwright-core') as typeof import('playwright-core');

export const CHROMIUM_PATH = '/usr/bin/chromium';
/** Debian's `chromium-headless-shell` package: the old headless mode, no browser UI. */
export const HEADLESS_SHELL_PATH = '/usr/bin/chromium-headless-shell';

export const CHROMIUM_FLAGS: readonly string[] = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

let installTried = false;

/** The binary to launch: the headless shell when installed, else the full browser, else none. */
export function chromiumExecutable(): string | undefined {
  return [HEADLESS_SHELL_PATH, CHROMIUM_PATH].find((path) => existsSync(path));
}

/**
 * True when a Chromium binary exists, installing Debian's package once if we may (root, apt-get).
 * A machine that has the full browser only keeps it (no install attempt on every test file).
 */
export function ensureChromium(): boolean {
  if (chromiumExecutable()) return true;
  if (installTried) return false;
  installTried = true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !hasApt) return false;
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
    for (const pkg of ['chromium-headless-shell', 'chromium']) {
      const installed = spawnSync('apt-get', ['install', '-y', '-qq', pkg], { stdio: 'ignore', env, timeout: 600_000 });
      if (installed.status === 0) break;
    }
  } catch {
    return false;
  }
  return chromiumExecutable() !== undefined;
}

/** Whether the browser tests can run; under CI they must, so this is then always true (and launch fails loudly). */
export function chromiumAvailable(): boolean {
  return ensureChromium() || process.env.CI === 'true';
}

/** Throws under CI=true when Chromium is missing: the browser tests must fail there, not skip. */
export function requireChromiumInCi(): void {
  if (process.env.CI === 'true' && !chromiumExecutable()) {
    throw new Error(
      `${HEADLESS_SHELL_PATH} and ${CHROMIUM_PATH} are missing: install Debian's chromium-headless-shell package (CI's .ci/run does)`,
    );
  }
}

export interface HeadlessChromium {
  browser: Browser;
  /** A fresh context (cookie jar) per call; closed with the browser. */
  newContext(): Promise<BrowserContext>;
  close(): Promise<void>;
}

/**
 * Launches Chromium. playwright-core gives every `launch()` a fresh user-data dir of its
 * own in the temp folder (it refuses a `--user-data-dir` flag there) and deletes it on
 * close; every context is a fresh cookie jar besides.
 */
export async function launchChromium(): Promise<HeadlessChromium> {
  requireChromiumInCi();
  const browser = await chromium.launch({
    executablePath: chromiumExecutable() ?? CHROMIUM_PATH,
    headless: true,
    args: [...CHROMIUM_FLAGS],
    timeout: 60_000,
  });
  return {
    browser,
    newContext: () => browser.newContext({ viewport: { width: 900, height: 900 } }),
    async close() {
      await browser.close().catch(() => undefined);
    },
  };
}
