/*
 * The team page's task board in headless Chromium against the real services and real
 * sim agents speaking the agent protocol: a task created from the page appears on the
 * board and moves from column to column as its agent takes it, works and finishes; a
 * failing one ends in "failed"; an operator cancels a running one; a viewer sees the
 * board but no control.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { simTeam } from '../../support/tasks';
import { DashboardStack } from './stack';

const card = (page: Page, column: string, title: string) => page.locator(`[data-testid="board-column"][data-column="${column}"] [data-testid="task-card"]`, { hasText: title });

describe('the team task board (Chromium, real services, sim agents)', () => {
  const stack = new DashboardStack();
  let page: Page;
  let viewerPassword = '';

  /** a task through the API as the admin (inputs the page does not offer: the sim agent's behaviour) */
  const apiTask = async (body: Record<string, unknown>): Promise<string> => {
    const r = await stack.api.request('POST', '/api/v1/tasks', { session: stack.admin, body: { team: 'crew', ...body } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    const b = r.body as { taskId?: string; result?: { taskId: string } };
    return b.taskId ?? b.result!.taskId;
  };

  beforeAll(async () => {
    await stack.start();
    const team = simTeam('crew', [
      { name: 'w1', role: 'worker' },
      { name: 'w2', role: 'worker' },
    ]);
    const created = await stack.api.request('POST', '/api/v1/teams', { session: stack.admin, body: { definition: team } });
    assert.equal(created.status, 202, JSON.stringify(created.body));
    const deployed = await stack.api.request('POST', '/api/v1/teams/crew/deploy', { session: stack.admin, body: {} });
    assert.equal(deployed.status, 202, JSON.stringify(deployed.body));
    for (const name of ['crew-w1', 'crew-w2']) await waitFor(`${name} running`, async () => ((await stack.cp.status(name))[0]?.state.observed === 'running' ? true : null), 60_000);
    const operatorPassword = await stack.api.addUser('otto', 'operator');
    viewerPassword = await stack.api.addUser('vic', 'viewer');
    page = await stack.page();
    await signInThroughForm(page, 'otto', operatorPassword);
    await page.goto('/teams/crew');
    await page.getByTestId('task-board').waitFor();
  });
  afterAll(async () => {
    await stack.stop();
  });

  test('a task created from the page shows on the board and moves to done when an agent finishes it', async () => {
    await page.locator('[data-testid="team-actions"] button[data-action="new-task"]').click();
    const dialog = page.getByTestId('task-dialog');
    await dialog.locator('input[name="title"]').fill('Write the docs');
    await dialog.locator('textarea[name="instructions"]').fill('All of them');
    await dialog.locator('select[name="role"]').selectOption('worker');
    await dialog.locator('select[name="priority"]').selectOption('high');
    await dialog.getByTestId('task-submit').click();
    await page.locator('[data-testid="task-card"]', { hasText: 'Write the docs' }).waitFor({ timeout: 10_000 });
    await card(page, 'done', 'Write the docs').waitFor({ timeout: 60_000 });
    await waitForText(card(page, 'done', 'Write the docs'), /succeeded · crew-w[12] · high/);
  });

  test('a long task sits in running (its member shows it as its current task), then moves to done', async () => {
    await apiTask({ title: 'Slow work', inputs: { sim: { outcome: 'succeed', workMs: 6000, progressSteps: 3 } } });
    await card(page, 'running', 'Slow work').waitFor({ timeout: 30_000 });
    await waitFor('a member showing it', async () => ((await page.locator('[data-testid="member-task"]', { hasText: 'Slow work' }).count()) ? true : null), 15_000);
    await card(page, 'done', 'Slow work').waitFor({ timeout: 60_000 });
  });

  test('a task that fails ends in the failed column with its reason', async () => {
    await apiTask({ title: 'Doomed', maxAttempts: 1, inputs: { sim: { outcome: 'fail' } } });
    await card(page, 'failed', 'Doomed').waitFor({ timeout: 60_000 });
    assert.equal(await card(page, 'failed', 'Doomed').getAttribute('data-status'), 'failed');
  });

  test('an operator cancels a running task after a confirmation; it moves to failed as cancelled', async () => {
    await apiTask({ title: 'Forever', inputs: { sim: { outcome: 'hang' } } });
    await card(page, 'running', 'Forever').waitFor({ timeout: 30_000 });
    await card(page, 'running', 'Forever').locator('button[data-action="cancel-task"]').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
    await page
      .locator('[data-testid="board-column"][data-column="failed"] [data-testid="task-card"][data-status="cancelled"]', { hasText: 'Forever' })
      .waitFor({ timeout: 30_000 });
  });

  test('a task for one member from its card goes to that member', async () => {
    await page.locator('[data-testid="member"][data-agent="crew-w2"] button[data-action="member-task"]').click();
    const dialog = page.getByTestId('task-dialog');
    await waitForText(dialog, /A task for crew-w2/);
    await dialog.locator('input[name="title"]').fill('Just for w2');
    await dialog.getByTestId('task-submit').click();
    await card(page, 'done', 'Just for w2').waitFor({ timeout: 60_000 });
    await waitForText(card(page, 'done', 'Just for w2'), /crew-w2/);
  });

  test('a viewer sees the board but no new task, task or cancel button', async () => {
    const viewer = await stack.page();
    await signInThroughForm(viewer, 'vic', viewerPassword);
    await viewer.goto('/teams/crew');
    await card(viewer, 'done', 'Write the docs').waitFor({ timeout: 15_000 });
    assert.equal(await viewer.locator('button[data-action="new-task"], button[data-action="member-task"], button[data-action="cancel-task"]').count(), 0);
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
