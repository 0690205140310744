/**
 * Headless Chromium for the browser tests: Debian's `chromium` package driven through
 * playwright-core (docs/security.md, "Test-case index"). Never a browser download (`npx playwright
 * install`): the binary is `/usr/bin/chromium`. CI's `.ci/run` installs the package when
 * absent; here, as root, `ensureChromium()` installs it once too.
 *
 * A test that needs Chromium calls `chromiumAvailable()` for its `describe.skipIf`; under
 * `CI=true` a missing binary is a failure, never a skip (`requireChromiumInCi`).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = '/usr/bin/chromium';

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

/** True when /usr/bin/chromium exists, installing Debian's package once if we may (root, apt-get). */
export function ensureChromium(): boolean {
  if (existsSync(CHROMIUM_PATH)) return true;
  if (installTried) return false;
  installTried = true;
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const hasApt = spawnSync('sh', ['-c', 'command -v apt-get'], { stdio: 'ignore' }).status === 0;
  if (!root || !hasApt) return false;
  try {
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'ignore', env, timeout: 600_000 });
  } catch {
    return false;
  }
  return existsSync(CHROMIUM_PATH);
}

/** Whether the browser tests can run; under CI they must, so this is then always true (and launch fails loudly). */
export function chromiumAvailable(): boolean {
  return ensureChromium() || process.env.CI === 'true';
}

/** Throws under CI=true when Chromium is missing: the browser tests must fail there, not skip. */
export function requireChromiumInCi(): void {
  if (process.env.CI === 'true' && !existsSync(CHROMIUM_PATH)) {
    throw new Error(`${CHROMIUM_PATH} is missing: install Debian's chromium package (CI's .ci/run does)`);
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
    executablePath: CHROMIUM_PATH,
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
