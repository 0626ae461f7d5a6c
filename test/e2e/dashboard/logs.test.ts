/*
 * The dashboard's Logs page in headless Chromium against the real services: the lines
 * the monitor collected from real sim agents, searched by agent and words, still there
 * after the agent is removed, and followed live.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { DashboardStack } from './stack';

describe('collected logs in the dashboard (Chromium, real monitor collecting from sim agents)', () => {
  const stack = new DashboardStack();
  let page: Page;
  const collected = async (agent: string, q?: string) =>
    (await stack.api.request('GET', `/api/v1/logs?agent=${agent}${q ? `&q=${encodeURIComponent(q)}` : ''}`, { session: stack.admin })).body.items?.length ?? 0;

  beforeAll(async () => {
    await stack.start();
    await stack.deployRunning('chatty');
    await stack.deployRunning('goner');
    await stack.simCtl('goner', 'print', '3', '40');
    await waitFor('goner lines collected', async () => (await collected('goner')) >= 3, 60_000, 500);
    const password = await stack.api.addUser('vera', 'viewer');
    page = await stack.page();
    await signInThroughForm(page, 'vera', password);
  }, 180_000);
  afterAll(async () => {
    await stack.stop();
  });

  test("a removed agent's lines are still found, by agent and by words", async () => {
    const removed = await stack.api.request('DELETE', '/api/v1/agents/goner', { session: stack.admin, body: { reason: 'done with it' } });
    assert.equal(removed.status, 202, JSON.stringify(removed.body));
    await waitFor(
      'goner removed',
      async () => (await stack.cp.status('goner').catch((err: Error) => (/AGENT.NOT_FOUND/.test(err.message) ? [] : Promise.reject(err)))).length === 0,
      60_000,
      300,
    );
    await page.goto('/logs?agent=goner');
    const lines = page.getByTestId('log-lines');
    await waitForText(lines, /goner/, 20_000);
    const agents = await page.getByTestId('log-line').evaluateAll((els) => els.map((e) => e.getAttribute('data-agent')));
    assert.ok(agents.length >= 3 && agents.every((a) => a === 'goner'), agents.join(','));
    await page.getByRole('textbox', { name: 'Words' }).fill('heartbeat');
    await waitFor('only heartbeats', async () => {
      const texts = await page.getByTestId('log-line').allTextContents();
      return texts.length > 0 && texts.every((t) => /heartbeat/.test(t)) ? texts : null;
    });
    assert.match(page.url(), /agent=goner&q=heartbeat/, 'the address keeps the search');
    await page.getByRole('textbox', { name: 'Words' }).fill('no-such-word-anywhere');
    await waitForText(page.locator('main'), /No collected line matches these filters/);
  });

  test('Follow adds the lines of a running agent as the monitor collects them', async () => {
    await page.goto('/logs?agent=chatty');
    await waitForText(page.getByTestId('log-lines'), /chatty/, 20_000);
    await page.getByTestId('logs-follow').check();
    await waitFor('live', async () => (await page.getByTestId('logs-live').getAttribute('data-state')) === 'on');
    await stack.simCtl('chatty', 'print', '7', '40');
    await waitForText(page.getByTestId('log-lines'), /line 6\/7 x/, 20_000);
    assert.deepEqual(stack.problems(), []);
  });
});
