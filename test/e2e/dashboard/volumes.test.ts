/*
 * The dashboard's Volumes page in headless Chromium against the real services: an
 * agent's workspace listed with its agent and size, kept (orphaned) when the agent is
 * removed, and removed on purpose by an operator; a viewer sees no control.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { DashboardStack } from './stack';

describe('volumes in the dashboard (Chromium, real orchestrator and Docker)', () => {
  const stack = new DashboardStack();
  let operator: Page;
  let viewer: Page;
  let volume = '';

  beforeAll(async () => {
    await stack.start();
    const agentId = await stack.deployRunning('keeper');
    const found = await stack.cp.docker['client'].api.listVolumes({ filters: JSON.stringify({ label: [`sacp.agent.id=${agentId}`] }) });
    volume = found.Volumes?.[0]?.Name ?? '';
    assert.ok(volume, 'the agent has its workspace volume');
    const [op, view] = [await stack.api.addUser('olga', 'operator'), await stack.api.addUser('vic', 'viewer')];
    operator = await stack.page();
    await signInThroughForm(operator, 'olga', op);
    viewer = await stack.page();
    await signInThroughForm(viewer, 'vic', view);
  }, 180_000);
  afterAll(async () => {
    await stack.stop();
  });

  const row = (page: Page) => page.locator(`[data-testid="volume"][data-name="${volume}"]`);

  test("an agent's workspace is listed with its agent and, once measured, its size", async () => {
    await operator.goto('/volumes');
    await waitForText(row(operator), /workspace of keeper/);
    assert.equal(await row(operator).getAttribute('data-orphaned'), 'no');
    assert.equal(await row(operator).getByRole('button', { name: 'Remove' }).count(), 0, "a living agent's volume has no Remove");
    await waitFor(
      'a size',
      async () => {
        await operator.reload();
        return /\d+(\.\d+)? ?(B|KiB|MiB|GiB|kB|MB)/.test((await row(operator).getByTestId('volume-size').textContent()) ?? '');
      },
      60_000,
      1000,
    );
  });

  test('removed without its volumes, the agent leaves an orphan; a viewer sees it without a control, an operator removes it', async () => {
    const removed = await stack.api.request('DELETE', '/api/v1/agents/keeper', { session: stack.admin, body: { reason: 'done' } });
    assert.equal(removed.status, 202, JSON.stringify(removed.body));
    await viewer.goto('/volumes');
    await viewer.getByTestId('only-orphaned').check();
    await waitFor(
      'the orphan listed',
      async () =>
        (await row(viewer)
          .getAttribute('data-orphaned')
          .catch(() => null)) === 'yes',
      60_000,
      300,
    );
    await waitForText(row(viewer), /keeper \(removed\)/);
    assert.equal(await row(viewer).getByRole('button', { name: 'Remove' }).count(), 0, 'a viewer has no Remove');

    await operator.goto('/volumes');
    await waitFor(
      'the orphan on the operator page',
      async () =>
        (await row(operator)
          .getAttribute('data-orphaned')
          .catch(() => null)) === 'yes',
      30_000,
      300,
    );
    await row(operator).getByRole('button', { name: 'Remove' }).click();
    const confirm = operator.getByTestId('confirm-dialog');
    await confirm.getByLabel(/Reason/).fill('cleanup');
    await confirm.getByTestId('confirm').click();
    await waitFor('the row gone', async () => (await row(operator).count()) === 0, 30_000, 300);
    await assert.rejects(stack.cp.docker['client'].api.getVolume(volume).inspect(), /no such volume/i);
    assert.deepEqual(stack.problems(), []);
  });
});
