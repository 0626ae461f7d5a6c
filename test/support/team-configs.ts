import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FIXTURE_CONFIG_DIR, type TestControlPlane } from './control-plane';
import { REPO_ROOT } from './repo-root';

/**
 * A config directory with the shipped templates and teams (configs/agents, configs/teams)
 * beside the test fixtures' templates (sim, ...): the shipped `coding` team deploys its
 * real manager, grok4 and claude templates.
 */
export function shippedConfigDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-teams-'));
  cpSync(FIXTURE_CONFIG_DIR, dir, { recursive: true });
  cpSync(join(REPO_ROOT, 'configs/agents'), join(dir, 'agents'), { recursive: true });
  cpSync(join(REPO_ROOT, 'configs/teams'), join(dir, 'teams'), { recursive: true });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** The API keys the grok4 and claude templates reference (test values, granted to them). */
export async function storeModelKeys(cp: TestControlPlane): Promise<void> {
  for (const [name, template] of [
    ['xai-api-key', 'grok4'],
    ['anthropic-api-key', 'claude'],
  ] as const) {
    const r = await cp.command('secret.set', { name, value: `test-${name}`, templates: [template] });
    if (!r.ok) throw new Error(`secret.set ${name}: ${r.error.code} ${r.error.message}`);
  }
}
