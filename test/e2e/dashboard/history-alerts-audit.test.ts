/*
 * The dashboard's reading pages in headless Chromium against the real services: an
 * agent's history (actor, reason) and why it is as it is; an alert the monitor raised,
 * acknowledged by an operator from the page, who is then shown; the audit trail,
 * narrowed by outcome and by actor.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { MONITOR_TEST_ACTOR } from '../../support/control-plane';
import { signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { DashboardStack } from './stack';

const AGENT = 'hist-1';
const ALERT_KEY = 'dash:disk';

describe('agent history, alerts and the audit trail in the dashboard (Chromium, real services)', () => {
  const stack = new DashboardStack();
  let page: Page;

  beforeAll(async () => {
    await stack.start();
    const password = await stack.api.addUser('olivia', 'operator');
    // the scene, as the admin "root" through the API: deployed with a reason, then stopped with another
    const deployed = await stack.api.request('POST', '/api/v1/agents', { session: stack.admin, body: { name: AGENT, template: 'sim', reason: 'for the history test' } });
    assert.equal(deployed.status, 202, JSON.stringify(deployed.body));
    const view = await waitFor(`${AGENT} registered`, async () => (await stack.cp.status(AGENT))[0], 30_000, 200);
    await stack.cp.waitForAgent(view.id, (a) => a.state.observed === 'running', 'running', 60_000);
    const stopped = await stack.api.request('POST', `/api/v1/agents/${AGENT}/stop`, { session: stack.admin, body: { reason: 'quiet hours' } });
    assert.equal(stopped.status, 202, JSON.stringify(stopped.body));
    await stack.cp.waitForAgent(view.id, (a) => a.state.observed === 'stopped', 'stopped', 60_000);
    page = await stack.page();
    await signInThroughForm(page, 'olivia', password);
  });
  afterAll(async () => {
    await stack.stop();
  });

  test("agent detail: the history shows the agent's events with actor and reason, and why it is as it is", async () => {
    await page.goto(`/agents/${AGENT}`);
    const history = page.getByTestId('history');
    await waitForText(history, /stop requested/);
    const entry = (type: string) => history.locator(`li[data-type="${type}"]`);
    await waitForText(entry('agent.deployed'), /api:root.*for the history test/);
    await waitForText(entry('agent.stop_requested'), /api:root.*quiet hours/);
    // the orchestrator's own doing, caused by the operator's request
    await waitForText(entry('agent.container_stopped'), /system:.*after stop requested/);

    // the why chain of the last change (GET /why): from the stop request down to the stopped container
    const why = page.getByTestId('last-change-why');
    await waitForText(why, /stop requested[\s\S]*api:root[\s\S]*quiet hours[\s\S]*stopped/);
    const types = await why.locator('li[data-type]').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-type')));
    assert.equal(types[0], 'agent.stop_requested', types.join(', '));
    assert.equal(types[types.length - 1], 'agent.container_stopped', types.join(', '));

    // and any entry's own chain, drawn on demand
    await entry('agent.container_stopped').getByRole('button', { name: 'why?' }).click();
    await waitForText(entry('agent.container_stopped').getByTestId('why-chain'), /happened[\s\S]*caused by: api:root — “quiet hours”/);
  });

  test('alerts: an open alert is listed; an operator acknowledges it from the page, which then says who did', async () => {
    const raised = await stack.cp.command(
      'alert.raise',
      { key: ALERT_KEY, severity: 'warning', agent: AGENT, cause: 'test', message: `disk nearly full on ${AGENT}` },
      { actor: MONITOR_TEST_ACTOR },
    );
    assert.ok(raised.ok, JSON.stringify(raised));
    await page.goto('/alerts');
    const alert = page.locator(`[data-testid="alert"][data-key="${ALERT_KEY}"]`);
    // raised after the page opened would do too: the list follows the live connection
    await alert.waitFor({ timeout: 15_000 });
    await waitForText(alert, new RegExp(`disk nearly full on ${AGENT}[\\s\\S]*open[\\s\\S]*warning · ${AGENT} · test · raised`));
    assert.equal(await alert.getAttribute('data-acknowledged'), 'no');

    await alert.getByRole('button', { name: 'Acknowledge' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByLabel(/Note/).fill('looking at it');
    await confirm.getByTestId('confirm').click();
    await confirm.waitFor({ state: 'detached' });
    await page.locator(`[data-testid="alert"][data-key="${ALERT_KEY}"][data-acknowledged="yes"]`).waitFor({ timeout: 15_000 });
    await waitForText(alert.getByTestId('acknowledged'), /Acknowledged by api:olivia at \d{4}-\d\d-\d\d [\d:]+ — “looking at it”/);
    // still open (its condition is not over), and not to be acknowledged twice
    assert.equal(await alert.getAttribute('data-state'), 'open');
    assert.equal(await alert.getByRole('button', { name: 'Acknowledge' }).count(), 0);

    const listed = await stack.api.request('GET', '/api/v1/alerts', { session: stack.admin });
    const mine = listed.body.items.find((a: { key: string }) => a.key === ALERT_KEY);
    assert.equal(mine.acknowledged.by.displayName, 'olivia');
    assert.equal(mine.acknowledged.note, 'looking at it');
  });

  test('the audit trail lists the commands; the outcome and actor filters narrow it', async () => {
    // a command the domain turns down, beside the accepted ones
    const refused = await stack.api.request('POST', '/api/v1/agents/no-such-agent/stop', { session: stack.admin, body: {} });
    assert.ok(refused.status >= 400, JSON.stringify(refused.body));
    const audit = await waitFor('the refused stop audited', async () => {
      const r = await stack.api.request('GET', '/api/v1/audit?commandType=agent.stop', { session: stack.admin });
      return r.body.items.find((e: { outcome: string }) => e.outcome !== 'accepted') as { outcome: string } | undefined;
    });

    await page.goto('/audit');
    const entries = page.getByTestId('audit-entry');
    const list = page.getByTestId('audit');
    await waitForText(list, /agent\.deploy[\s\S]*accepted/);
    await waitForText(list, /alert\.acknowledge/);
    const all = await entries.count();
    assert.ok(all >= 5, `only ${all} entries`);

    await page.getByLabel('Outcome').selectOption(audit.outcome);
    await waitFor('only the refused commands', async () => {
      const outcomes = await entries.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-outcome')));
      return outcomes.length > 0 && outcomes.length < all && outcomes.every((o) => o === audit.outcome) ? outcomes : null;
    });
    await waitForText(list, /agent\.stop[\s\S]*AGENT\./);

    // back to any outcome, then only what olivia did: a click on her name
    await page.getByLabel('Outcome').selectOption('');
    // (the services' own commands may have added entries meanwhile)
    await waitFor('every entry again', async () => ((await entries.count()) >= all ? true : null));
    await page.locator('[data-testid="audit-entry"][data-command="alert.acknowledge"]').getByTestId('audit-actor').click();
    assert.equal(await page.getByLabel('Actor').inputValue(), 'api:user:olivia');
    const commands = await waitFor('only olivia', async () => {
      const c = await entries.evaluateAll((lis) => lis.map((li) => li.getAttribute('data-command')));
      return c.length > 0 && c.length < all ? c : null;
    });
    assert.deepEqual(commands, ['alert.acknowledge']);
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
