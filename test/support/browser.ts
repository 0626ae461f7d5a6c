/**
 * Headless Chromium for the dashboard's browser tests and bench: Debian's `chromium`
 * package (scripts/test.sh installs it), driven by playwright-core, so no browser is
 * downloaded. `--no-sandbox` because the tests run as root (Chromium refuses its sandbox
 * then). Screenshots go to test-artifacts/screenshots/ (gitignored; the README links it).
 */
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { REPO_ROOT } from './repo-root';

export const CHROMIUM_PATH = process.env.SACP_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOT_DIR = join(REPO_ROOT, 'test-artifacts', 'screenshots');

export const PHONE = { width: 400, height: 860 } as const;
export const DESKTOP = { width: 1440, height: 900 } as const;

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH))
    throw new Error(`no Chromium at ${CHROMIUM_PATH}: install Debian's package (apt-get install -y chromium; scripts/test.sh does) or set SACP_CHROMIUM`);
  return chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
}

export interface PageOptions {
  viewport?: { width: number; height: number };
  colorScheme?: 'light' | 'dark';
}

/**
 * A page in a context of its own (its own cookies: one signed-in user per context), that
 * records what the browser complained about: console errors, uncaught exceptions and
 * Content-Security-Policy violations (`problems`, asserted empty by the tests).
 */
export async function openPage(browser: Browser, base: string, options: PageOptions = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
  // in UTC: a time a test types into the page means what it means to the test
  const context = await browser.newContext({ baseURL: base, viewport: options.viewport ?? DESKTOP, colorScheme: options.colorScheme ?? 'light', timezoneId: 'UTC' });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  return { context, page, problems };
}

/** Saves a full-page screenshot as test-artifacts/screenshots/<name>.png and returns its path. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** Signs in through the form, as a person would, and waits for the agent grid. */
export async function signInThroughForm(page: Page, name: string, password: string): Promise<void> {
  await page.goto('/');
  await page.getByLabel('User').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByTestId('agent-grid').waitFor();
}

/** How much wider than the viewport the page is (0: nothing overflows sideways). */
export const horizontalOverflow = (page: Page): Promise<number> => page.evaluate<number>('(document.scrollingElement ?? document.documentElement).scrollWidth - window.innerWidth');

/** Waits until the element's text matches, failing with the text it last had. */
export async function waitForText(locator: Locator, pattern: RegExp, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let text = '';
  while (Date.now() < deadline) {
    text = (await locator.textContent().catch(() => '')) ?? '';
    if (pattern.test(text)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.fail(`expected ${String(pattern)} within ${timeoutMs} ms in: ${text.slice(-500)}`);
}
