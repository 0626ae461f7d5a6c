/*
 * The dashboard in headless Chromium against the real services: a viewer sees the fleet
 * but no control, and a request forged from the viewer's own session is refused by the
 * API; every screen fits a 400 px phone without sideways scrolling; screenshots at phone
 * and desktop width, light and dark, go to test-artifacts/screenshots/.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DESKTOP, horizontalOverflow, PHONE, screenshot, signInThroughForm } from '../../support/browser';
import { DashboardStack } from './stack';

const SCREENS = ['/', '/agents/watcher-1', '/alerts', '/audit', '/logs', '/volumes', '/templates', '/templates/sim'];

describe('the dashboard for a viewer, and on a phone (Chromium, real services)', () => {
  const stack = new DashboardStack();
  let viewer: Page;
  let viewerPassword = '';
  let operatorPassword = '';

  beforeAll(async () => {
    await stack.start();
    await stack.deployRunning('watcher-1');
    viewerPassword = await stack.api.addUser('vera', 'viewer');
    operatorPassword = await stack.api.addUser('omar', 'operator');
    viewer = await stack.page();
    await signInThroughForm(viewer, 'vera', viewerPassword);
  });
  afterAll(async () => {
    await stack.stop();
  });

  test('a viewer sees the agents but no deploy, start, stop, restart or remove, and no admin pages', async () => {
    await viewer.locator('[data-testid="agent-row"][data-agent="watcher-1"][data-observed="running"]').waitFor({ timeout: 30_000 });
    assert.equal(await viewer.getByTestId('deploy-open').count(), 0);
    assert.equal(await viewer.getByTestId('agent-actions').count(), 0);
    assert.equal(await viewer.getByRole('link', { name: 'Users' }).count(), 0);
    await viewer.goto('/agents/watcher-1');
    await viewer.getByTestId('agent-detail').waitFor();
    assert.equal(await viewer.getByTestId('agent-actions').count(), 0);
    assert.equal(await viewer.locator('button', { hasText: /^(Stop|Start|Restart|Remove)$/ }).count(), 0);
  });

  test("a request forged from the viewer's session is refused, with and without the CSRF token", async () => {
    const answers = await viewer.evaluate(async () => {
      const me = (await (await fetch('/api/v1/auth/me')).json()) as { csrfToken: string };
      const post = async (headers: Record<string, string>) => {
        const res = await fetch('/api/v1/agents/watcher-1/stop', { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body: '{}' });
        return { status: res.status, body: (await res.json()) as { code?: string; error?: { code?: string } } };
      };
      return { withToken: await post({ 'X-CSRF-Token': me.csrfToken }), without: await post({}) };
    });
    const code = (b: { code?: string; error?: { code?: string } }) => b.code ?? b.error?.code;
    assert.equal(answers.withToken.status, 403);
    assert.equal(code(answers.withToken.body), 'AUTH.ROLE_FORBIDDEN');
    assert.equal(answers.without.status, 403);
    assert.ok(['AUTH.CSRF_INVALID', 'AUTH.ROLE_FORBIDDEN'].includes(code(answers.without.body)!), JSON.stringify(answers.without.body));
    const [view] = await stack.cp.status('watcher-1');
    assert.equal(view?.state.desired, 'running');
  });

  test('at 400 px wide no screen scrolls sideways; screenshots at phone and desktop width', async () => {
    const phone = await stack.page({ viewport: PHONE });
    await signInThroughForm(phone, 'omar', operatorPassword);
    await phone.locator('[data-testid="agent-row"][data-agent="watcher-1"]').waitFor();
    for (const path of SCREENS) {
      await phone.goto(path);
      await phone.locator('main').waitFor();
      await phone.waitForLoadState('networkidle').catch(() => undefined);
      assert.equal(await horizontalOverflow(phone), 0, `${path} overflows at 400 px`);
      assert.ok(await phone.evaluate<boolean>('document.scrollingElement.scrollWidth <= 400'), path);
    }
    await phone.goto('/');
    await phone.locator('[data-testid="agent-row"][data-agent="watcher-1"]').waitFor();
    await screenshot(phone, 'grid-phone');
    await phone.getByTestId('deploy-open').click();
    await phone.getByTestId('template-limits').waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the deploy dialog overflows at 400 px');
    await screenshot(phone, 'deploy-dialog-phone');
    await phone.keyboard.press('Escape');
    await phone.goto('/agents/watcher-1');
    await phone.getByTestId('agent-detail').waitFor();
    await screenshot(phone, 'agent-detail-phone');

    for (const colorScheme of ['light', 'dark'] as const) {
      const wide = await stack.page({ viewport: DESKTOP, colorScheme });
      await signInThroughForm(wide, 'omar', operatorPassword);
      await wide.locator('[data-testid="agent-row"][data-agent="watcher-1"]').waitFor();
      await screenshot(wide, `grid-desktop-${colorScheme}`);
      await wide.goto('/agents/watcher-1');
      await wide.getByTestId('agent-detail').waitFor();
      await wide.waitForTimeout(1500);
      await screenshot(wide, `agent-detail-desktop-${colorScheme}`);
    }
  });

  test('the keyboard reaches the grid: Tab from the top lands on the skip link, then the navigation', async () => {
    const page = await stack.page();
    await signInThroughForm(page, 'vera', viewerPassword);
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.textContent'), 'Skip to content');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate<string | undefined>('document.activeElement?.textContent'), 'Agents');
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
