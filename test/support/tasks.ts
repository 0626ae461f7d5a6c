import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TaskDetailView } from '@sacp/events';
import { FIXTURE_CONFIG_DIR, type TestControlPlane } from './control-plane';
import { waitFor } from './ports';

/** A team of sim agents posted whole: two workers and a manager (64 MiB each). */
export const simTeam = (
  name: string,
  members: { name: string; role: string }[] = [
    { name: 'w1', role: 'worker' },
    { name: 'w2', role: 'worker' },
    { name: 'boss', role: 'manager' },
  ],
) => ({
  name,
  description: 'sim agents for task tests',
  members: members.map((m) => ({ ...m, template: 'sim' })),
  quota: { memory: '512m', cpus: 2, pids: 1024 },
  egress: false,
  logRetention: null,
});

export async function createTask(cp: TestControlPlane, payload: Record<string, unknown>): Promise<string> {
  const r = await cp.command<{ taskId: string }>('task.create', payload);
  assert.ok(r.ok, JSON.stringify(r));
  return r.result.taskId;
}

export async function getTask(cp: TestControlPlane, taskId: string): Promise<TaskDetailView | null> {
  const r = await cp.query<TaskDetailView>('task.get', { taskId });
  return r.ok ? r.result : null;
}

/** Waits until the task (from the read model) satisfies `predicate`. */
export function waitForTask(cp: TestControlPlane, taskId: string, predicate: (t: TaskDetailView) => boolean, what: string, timeoutMs = 30_000): Promise<TaskDetailView> {
  return waitFor(
    `task ${taskId}: ${what}`,
    async () => {
      const t = await getTask(cp, taskId);
      return t && predicate(t) ? t : null;
    },
    timeoutMs,
    100,
  );
}

/** The task's events, in order, from the store. */
export async function taskEvents(cp: TestControlPlane, taskId: string): Promise<{ type: string; data: Record<string, unknown>; actor: { kind: string; id: string } }[]> {
  const { rows } = await cp.pool.query<{ type: string; data: Record<string, unknown>; metadata: { actor: { kind: string; id: string } } }>(
    'select type, data, metadata from events where stream_id = $1 order by stream_position',
    [`task-${taskId}`],
  );
  return rows.map((r) => ({ type: r.type, data: r.data, actor: r.metadata.actor }));
}

/**
 * A config directory with the fixture templates and `mute`: the sim agent's image
 * running only `sleep`, so that a test plays the agent's side of the protocol itself,
 * on the member's own credential, without the container answering too.
 */
export function muteConfigDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'sacp-tasks-'));
  cpSync(FIXTURE_CONFIG_DIR, dir, { recursive: true });
  const mute = {
    name: 'mute',
    image: 'sacp/sim-agent:latest',
    command: ['sleep', '100000'],
    resources: { memory: '32m', cpus: 0.1, pids: 16 },
    security: { user: '1000' },
    stopTimeoutSeconds: 1,
  };
  writeFileSync(join(dir, 'agents', 'mute.json'), JSON.stringify(mute));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Creates a team of `mute` members, deploys it and waits until they run; their ids by agent name. */
export async function deployMuteTeam(cp: TestControlPlane, team: string, members: string[]): Promise<Record<string, string>> {
  const definition = simTeam(
    team,
    members.map((name) => ({ name, role: 'worker' })),
  );
  const created = await cp.command('team.create', { definition: { ...definition, members: definition.members.map((m) => ({ ...m, template: 'mute' })) } });
  assert.ok(created.ok, JSON.stringify(created));
  const deployed = await cp.command('team.deploy', { team });
  assert.ok(deployed.ok, JSON.stringify(deployed));
  const views = await waitFor(
    `the members of ${team} running`,
    async () => {
      const v = (await cp.status()).filter((x) => x.team === team);
      return v.length === members.length && v.every((x) => x.state.observed === 'running') ? v : null;
    },
    60_000,
  );
  return Object.fromEntries(views.map((v) => [v.name, v.id]));
}
