/*
 * The dashboard's templates and admin pages in headless Chromium against the real
 * services: the template list, a template's versions and the diff between two of them
 * (the file changed and synced again); as an admin, a user added and given another role,
 * and an API token created (shown once, never again) and revoked.
 */
import { afterAll, beforeAll, describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { FIXTURE_CONFIG_DIR } from '../../support/control-plane';
import { signInThroughForm, waitForText } from '../../support/browser';
import { waitFor } from '../../support/ports';
import { DashboardStack } from './stack';

const configDir = mkdtempSync(join(tmpdir(), 'sacp-dash-templates-'));
cpSync(FIXTURE_CONFIG_DIR, configDir, { recursive: true });

describe('templates, users and tokens in the dashboard (Chromium, real services)', () => {
  const stack = new DashboardStack({ configDir });
  let page: Page;

  const sync = async () => {
    const r = await stack.cp.command('template.sync', {});
    assert.ok(r.ok, JSON.stringify(r));
  };

  beforeAll(async () => {
    await stack.start();
    // version 1 of every template is registered as the orchestrator starts; a second of sim: more memory, other words
    const file = join(configDir, 'agents', 'sim.json');
    const sim = JSON.parse(readFileSync(file, 'utf8'));
    writeFileSync(file, JSON.stringify({ ...sim, description: 'now with more memory', resources: { ...sim.resources, memory: '96m' } }, null, 2));
    await sync();
    const password = await stack.api.addUser('ada', 'admin');
    page = await stack.page();
    await signInThroughForm(page, 'ada', password);
  });
  afterAll(async () => {
    await stack.stop();
    rmSync(configDir, { recursive: true, force: true });
  });

  test('the template list, a template with its versions, and the diff between two versions', async () => {
    await page.getByRole('link', { name: 'Templates' }).click();
    const list = page.getByTestId('templates');
    await waitForText(list, /sim\s*version 2/);
    await waitForText(list, /now with more memory · sacp\/sim-agent:latest · memory 96m · CPUs 0.25 · pids 64/);
    await list.getByRole('link', { name: 'sim', exact: true }).click();

    const versions = page.getByTestId('template-versions');
    // v1 registered when the orchestrator started (its own sync), v2 by the test's sync command
    await waitForText(versions, /v2 \d{4}-[\d-]+ [\d:]+ by cli:Test Operator [0-9a-f]{12}v1 .* by system:/);
    assert.deepEqual(await versions.locator('li').evaluateAll((lis) => lis.map((li) => li.getAttribute('data-version'))), ['2', '1']);

    // from v1 to v2 by default: what changed, field by field
    const diff = page.getByTestId('template-diff');
    await waitForText(diff, /Field\s*v1\s*v2/);
    const rows = await diff.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows.sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
      [
        ['/description', '"The sim agent with small limits, for tests"', '"now with more memory"'],
        ['/resources/memory', '"64m"', '"96m"'],
      ],
    );
    // the same version on both sides: nothing to show
    await page.getByLabel('From').selectOption('2');
    await waitForText(diff, /No differences\./);
  });

  test('users: an admin adds a user and changes their role', async () => {
    await page.getByRole('link', { name: 'Users' }).click();
    await page.locator('[data-testid="user"][data-name="ada"]').waitFor();
    const form = page.getByTestId('add-user');
    await form.getByLabel('Name').fill('newbie');
    await form.getByLabel('Role').selectOption('viewer');
    await form.getByLabel('Password').fill('a-long-enough-password');
    await form.getByRole('button', { name: 'Add user' }).click();
    const newbie = page.locator('[data-testid="user"][data-name="newbie"]');
    await page.locator('[data-testid="user"][data-name="newbie"][data-role="viewer"]').waitFor({ timeout: 15_000 });
    await waitForText(newbie, /newbie since \d{4}-/);
    // the form is cleared for the next one
    assert.equal(await form.getByLabel('Name').inputValue(), '');

    await newbie.getByLabel('Role of newbie').selectOption('operator');
    await page.locator('[data-testid="user"][data-name="newbie"][data-role="operator"]').waitFor({ timeout: 15_000 });
    const users = await stack.api.request('GET', '/api/v1/users', { session: stack.admin });
    assert.equal(users.body.items.find((u: { name: string }) => u.name === 'newbie')?.role, 'operator');
    // and it holds after a reload: the role the API has, not the one the page chose
    await page.reload();
    await page.locator('[data-testid="user"][data-name="newbie"][data-role="operator"]').waitFor();
    assert.equal(await newbie.getByLabel('Role of newbie').inputValue(), 'operator');
    // newbie signs in as an operator
    await stack.api.signIn('newbie', 'a-long-enough-password');
  });

  test('tokens: an admin creates a token, shown once and never again, and revokes it', async () => {
    await page.getByRole('link', { name: 'Tokens' }).click();
    const form = page.getByTestId('create-token');
    await form.getByLabel('Name').fill('ci-bot');
    await form.getByLabel('Role').selectOption('operator');
    await form.getByLabel('Expires in (days)').fill('7');
    await form.getByRole('button', { name: 'Create token' }).click();
    const shown = page.getByTestId('new-token');
    await waitForText(shown, /^sacp_\S{20,}$/);
    const token = (await shown.textContent())!.trim();
    const row = page.locator('[data-testid="token"][data-name="ci-bot"]');
    await row.waitFor({ timeout: 15_000 });
    await waitForText(row, /ci-bot\s*operator[\s\S]*expires \d{4}-[\s\S]*last used never/);
    // it works, with its role
    const me = await stack.api.request('GET', '/api/v1/auth/me', { token });
    assert.deepEqual([me.status, me.body.kind, me.body.role], [200, 'token', 'operator']);

    await page.getByRole('button', { name: 'Done' }).click();
    await shown.waitFor({ state: 'detached' });
    assert.ok(!(await page.content()).includes(token), 'the token is still in the page');
    await page.reload();
    await row.waitFor();
    assert.ok(!(await page.content()).includes(token), 'the token came back after a reload');
    // nor does the API ever give it again
    const listed = await stack.api.request('GET', '/api/v1/tokens?all=true', { session: stack.admin });
    assert.ok(!JSON.stringify(listed.body).includes(token));

    await row.getByRole('button', { name: 'Revoke' }).click();
    const confirm = page.getByTestId('confirm-dialog');
    await confirm.getByTestId('confirm').click();
    await page.locator('[data-testid="token"][data-name="ci-bot"][data-revoked="yes"]').waitFor({ timeout: 15_000 });
    await waitForText(row, /revoked \d{4}-/);
    assert.equal(await row.getByRole('button', { name: 'Revoke' }).count(), 0);
    await waitFor('the token refused', async () => ((await stack.api.request('GET', '/api/v1/auth/me', { token })).status === 401 ? true : null), 5_000, 200);
  });

  test('no Content-Security-Policy violation or script error on the way', () => {
    assert.deepEqual(stack.problems(), []);
  });
});
