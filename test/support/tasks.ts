import assert from 'node:assert/strict';
import type { TaskDetailView } from '@sacp/events';
import type { TestControlPlane } from './control-plane';
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
