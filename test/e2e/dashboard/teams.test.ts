/*
 * The dashboard's team view in headless Chromium against the real services
 * (orchestrator, api from dist/, Postgres, NATS, Docker): the teams list, a team's
 * members with their state, deploy and stop from the page, adding and removing a member,
 * the live activity feed, what a viewer sees, and the phone layout.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { horizontalOverflow, PHONE, screenshot, signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { DashboardStack } from './stack';

const SQUAD = {
  name: 'squad',
  description: 'A lead and a dev',
  members: [
    { name: 'lead', role: 'manager', template: 'sim' },
    { name: 'dev', role: 'coder', template: 'sim' },
  ],
  quota: { memory: '512m', cpus: 2, pids: 512 },
};

const member = (page: Page, agent: string) => page.locator(`[data-testid="member"][data-agent="${agent}"]`);

describe('the dashboard team view (Chromium, real services)', () => {
  const stack = new DashboardStack();
  let page: Page;
  let operatorPassword = '';
  let viewerPassword = '';

  beforeAll(async () => {
    await stack.start();
    const r = await stack.api.request('POST', '/api/v1/teams', { session: stack.admin, body: { definition: SQUAD } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    operatorPassword = await stack.api.addUser('olga', 'operator');
    viewerPassword = await stack.api.addUser('victor', 'viewer');
    page = await stack.page();
    await signInThroughForm(page, 'olga', operatorPassword);
  });
  afterAll(async () => {
    await stack.stop();
  });

  test('the teams list shows the team, its members count and quota; its page has no member yet', async () => {
    await page.getByRole('link', { name: 'Teams' }).click();
    const card = page.locator('[data-testid="team-card"][data-team="squad"]');
    await card.waitFor();
    await waitForText(card.getByTestId('member-count'), /0 members \(configuration: 2\)/);
    await waitForText(card.getByTestId('quota'), /0 B of 512 MiB/);
    await card.getByRole('link', { name: 'squad' }).click();
    await page.locator('[data-testid="team-detail"][data-team="squad"]').waitFor();
    await page.getByTestId('no-members').waitFor();
  });

  test('Deploy team, after a confirmation: both members appear and turn running without a reload', async () => {
    await page.evaluate('window.marker = 7');
    await page.locator('[data-testid="team-actions"] button[data-action="deploy"]').click();
    const confirm = page.getByTestId('confirm-dialog');
    await waitForText(confirm, /lead, dev/);
    await confirm.getByLabel(/Reason/).fill('first run');
    await confirm.getByTestId('confirm').click();
    for (const agent of ['squad-lead', 'squad-dev']) await page.locator(`[data-testid="member"][data-agent="${agent}"][data-observed="running"]`).waitFor({ timeout: 60_000 });
    assert.equal(await page.evaluate<number | undefined>('window.marker'), 7, 'no reload');
    await waitForText(member(page, 'squad-dev'), /coder/);
    await waitForText(page.getByTestId('quota'), /128 MiB of 512 MiB/);
    // the activity feed followed, with who did it and why
    await waitForText(page.getByTestId('activity'), /first run/, 15_000);
    await waitForText(page.getByTestId('activity'), /api:olga/);
  });

  test("an agent's page links to its team", async () => {
    await member(page, 'squad-lead').getByRole('link', { name: 'squad-lead' }).click();
    await page.getByTestId('agent-detail').waitFor();
    await page.getByTestId('agent-team').getByRole('link', { name: 'squad' }).click();
    await page.locator('[data-testid="team-detail"][data-team="squad"]').waitFor();
  });

  test('add a member from a template, then remove it after a confirmation', async () => {
    await page.locator('[data-testid="team-actions"] button[data-action="add-member"]').click();
    const dialog = page.getByTestId('add-member-dialog');
    await dialog.getByLabel('Template', { exact: true }).selectOption('sim');
    await dialog.getByLabel('Name', { exact: true }).fill('squad-extra');
    await dialog.getByLabel('Role', { exact: true }).fill('helper');
    await dialog.getByTestId('add-member-submit').click();
    await page.locator('[data-testid="member"][data-agent="squad-extra"][data-observed="running"]').waitFor({ timeout: 60_000 });
    await waitForText(member(page, 'squad-extra'), /helper/);

    await member(page, 'squad-extra').locator('button[data-action="remove-member"]').click();
    const confirm = page.getByTestId('confirm-dialog');
    await waitForText(confirm, /keeps running, in no team/);
    await confirm.getByTestId('confirm').click();
    await member(page, 'squad-extra').waitFor({ state: 'detached', timeout: 15_000 });
    const [extra] = await stack.cp.status('squad-extra');
    assert.equal(extra?.state.desired, 'running', 'it keeps running');

    // and an existing agent in no team joins: squad-extra again, from the list of free agents
    await page.locator('[data-testid="team-actions"] button[data-action="add-member"]').click();
    await dialog.getByLabel(/an agent in no team/).check();
    await waitFor('squad-extra among the free agents', async () => ((await dialog.getByRole('option', { name: 'squad-extra' }).count()) ? true : null), 15_000).catch(
      async (err: Error) => {
        throw new Error(`${err.message}; the dialog: ${await dialog.innerHTML()}; the API: ${JSON.stringify((await stack.cp.status('squad-extra'))[0])}`);
      },
    );
    await dialog.locator('select[name="agent"]').selectOption('squad-extra');
    await dialog.getByTestId('add-member-submit').click();
    await member(page, 'squad-extra').waitFor({ timeout: 15_000 });
  });

  test('a member past the quota is refused with the numbers, in the dialog', async () => {
    const r = await stack.api.request('PATCH', '/api/v1/teams/squad', { session: stack.admin, body: { quota: { memory: '200m' } } });
    assert.equal(r.status, 202, JSON.stringify(r.body));
    await page.locator('[data-testid="team-actions"] button[data-action="add-member"]').click();
    const dialog = page.getByTestId('add-member-dialog');
    await dialog.getByLabel('Name', { exact: true }).fill('squad-toomuch');
    await dialog.getByTestId('add-member-submit').click();
    await waitForText(dialog.getByRole('alert'), /quota/i);
    await page.keyboard.press('Escape');
  });

  test('Stop team, after a confirmation: the members show stopped', async () => {
    await page.locator('[data-testid="team-actions"] button[data-action="stop"]').click();
    await page.getByTestId('confirm-dialog').getByTestId('confirm').click();
    for (const agent of ['squad-lead', 'squad-dev', 'squad-extra'])
      await page.locator(`[data-testid="member"][data-agent="${agent}"]`).and(page.locator(':not([data-observed="running"])')).waitFor({ timeout: 30_000 });
    await waitFor('stopped in the registry', async () => ((await stack.cp.status('squad-dev'))[0]?.state.desired === 'stopped' ? true : null));
  });

  test('a viewer sees the team, its members and board, but no control', async () => {
    const viewer = await stack.page();
    await signInThroughForm(viewer, 'victor', viewerPassword);
    await viewer.goto('/teams/squad');
    await member(viewer, 'squad-lead').waitFor();
    assert.equal(await viewer.getByTestId('team-actions').count(), 0);
    assert.equal(await viewer.locator('button[data-action="remove-member"], button[data-action="member-task"], button[data-action="cancel-task"]').count(), 0);
  });

  test('at 400 px wide the teams list and the team page fit without sideways scrolling', async () => {
    const phone = await stack.page({ viewport: PHONE });
    await signInThroughForm(phone, 'olga', operatorPassword);
    for (const path of ['/teams', '/teams/squad']) {
      await phone.goto(path);
      await phone.locator('main').waitFor();
      if (path === '/teams/squad') await member(phone, 'squad-lead').waitFor();
      await phone.waitForLoadState('networkidle').catch(() => undefined);
      assert.equal(await horizontalOverflow(phone), 0, `${path} overflows at 400 px`);
    }
    await screenshot(phone, 'team-phone');
    await phone.locator('[data-testid="team-actions"] button[data-action="new-task"]').click();
    await phone.getByTestId('task-dialog').waitFor();
    assert.equal(await horizontalOverflow(phone), 0, 'the task dialog overflows at 400 px');
    await phone.keyboard.press('Escape');
    await page.goto('/teams/squad');
    await member(page, 'squad-lead').waitFor();
    await screenshot(page, 'team-desktop');
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
