/*
 * The dashboard in headless Chromium against the real services (orchestrator, api from
 * dist/, Postgres, NATS, Docker), as an operator: sign in, deploy from the dialog and
 * watch the agent appear and turn running with no reload, stop it from the grid, follow
 * its log live, and see the fleet as it was before an agent was removed.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { waitFor } from '../../support/ports';
import type { Page } from 'playwright-core';
import { signInThroughForm, waitForText } from '../../support/browser';
import { DashboardStack } from './stack';

const row = (page: Page, name: string) => page.locator(`[data-testid="agent-row"][data-agent="${name}"]`);

describe('the dashboard, as an operator (Chromium, real services)', () => {
  const stack = new DashboardStack();
  let page: Page;
  let password = '';

  beforeAll(async () => {
    await stack.start();
    password = await stack.api.addUser('olivia', 'operator');
    page = await stack.page();
  });
  afterAll(async () => {
    await stack.stop();
  });

  test('signs in through the form; the grid shows who is signed in and that live updates flow', async () => {
    await signInThroughForm(page, 'olivia', password);
    await page.locator('[data-testid="whoami"][data-role="operator"]').waitFor();
    await page.locator('[data-testid="connection"][data-state="live"]').waitFor({ timeout: 15_000 });
    // the session is an HttpOnly cookie: the page's script cannot read it
    assert.equal(await page.evaluate<boolean>("document.cookie.includes('sacp_session')"), false);
  });

  test('deploys from the dialog (limits shown); the agent appears and turns running without a reload', async () => {
    // a reload would lose this
    await page.evaluate('window.marker = 42');
    await page.getByTestId('deploy-open').click();
    const dialog = page.getByTestId('deploy-dialog');
    await dialog.getByLabel('Template').selectOption('sim');
    const limits = dialog.getByTestId('template-limits');
    await waitForText(limits, /64m/);
    await waitForText(limits, /0\.25/);
    await dialog.getByLabel('Name').fill('web-1');
    await dialog.getByLabel('Reason').fill('from the browser test');
    await dialog.getByTestId('deploy-submit').click();
    await row(page, 'web-1').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="agent-row"][data-agent="web-1"][data-observed="running"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate<number | undefined>('window.marker'), 42);
    const [view] = await stack.cp.status('web-1');
    assert.equal(view?.state.observed, 'running');
  });

  test('stops it from the grid after a confirmation, and sees it stopped without a reload', async () => {
    await row(page, 'web-1').locator('button[data-action="stop"]').click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByLabel(/Reason/).fill('done for today');
    await confirm.getByTestId('confirm').click();
    await page.locator('[data-testid="agent-row"][data-agent="web-1"][data-observed="stopped"]').waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate<number | undefined>('window.marker'), 42);
    const [view] = await stack.cp.status('web-1');
    assert.equal(view?.state.desired, 'stopped');
  });

  test('the log viewer shows new lines as the agent writes them', async () => {
    await stack.deployRunning('talker');
    await page.goto('/agents/talker');
    await page.locator('[data-testid="log-state"]', { hasText: 'following' }).waitFor({ timeout: 15_000 });
    await stack.simCtl('talker', 'print', '3', '40');
    await waitForText(page.getByTestId('log-lines'), /line 2\/3 x+/, 20_000);
    // and the history shows who deployed it
    await waitForText(page.getByTestId('history'), /deployed/);
  });

  test('the time slider shows an agent that has since been removed', async () => {
    await stack.deployRunning('ephemeral');
    await new Promise((r) => setTimeout(r, 1500));
    const whileItRan = new Date(Date.now() - 500);
    const removed = await stack.api.request('DELETE', '/api/v1/agents/ephemeral', { session: stack.admin });
    assert.equal(removed.status, 202, JSON.stringify(removed.body));
    await page.goto('/');
    await page.locator('[data-testid="agent-row"][data-agent="ephemeral"][data-observed="running"]').waitFor({ state: 'detached', timeout: 60_000 });
    await page.getByTestId('time-travel').click();
    // the slider reaches back to the first recorded event, whichever agents are left
    const timeline = await stack.api.request('GET', '/api/v1/timeline', { session: stack.admin });
    const firstSecond = String(Math.floor(Date.parse(timeline.body.first.at) / 1000));
    await waitFor('the slider to start at the first event', async () => ((await page.getByTestId('slider-range').getAttribute('min')) === firstSecond ? true : null), 10_000);
    // the exact-time field of the slider, in UTC (the page's time zone here)
    await page.getByTestId('slider-exact').fill(whileItRan.toISOString().slice(0, 19));
    await page.getByTestId('past-banner').waitFor({ timeout: 15_000 });
    await page.locator('[data-testid="agent-row"][data-agent="ephemeral"][data-observed="running"]').waitFor({ timeout: 15_000 });
    // and no controls on the past
    assert.equal(await row(page, 'ephemeral').getByTestId('agent-actions').count(), 0);
    await page.getByRole('button', { name: 'Back to live' }).click();
    await page.getByTestId('past-banner').waitFor({ state: 'detached' });
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
