/**
 * One team as its page shows it: the team (members and their state), its task board and
 * its activity, each read from the API and read again, a moment later, when the live
 * connection brings an event about them: the team's own events, its members' and the
 * tasks on its board (or new ones for it). The read models are projected just after an
 * event commits, so a refresh runs once at once and once more a little later. While the
 * live connection is down the page polls instead.
 */
import { useEffect, useRef, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import { live, type LiveMessage } from '../api/live';
import type { ActivityEntry, Task, Team } from '../api/team-types';

export interface TeamViewState {
  team: Team | null;
  tasks: Task[] | null;
  activity: ActivityEntry[] | null;
  error: string | null;
  /** the task board's own error (the team shows without it) */
  tasksError: string | null;
}

type Part = 'team' | 'tasks' | 'activity';

/** Which parts of the page an event changes, or none. */
export function partsOf(message: LiveMessage, name: string, memberIds: ReadonlySet<string>, taskIds: ReadonlySet<string>): Part[] {
  if (message.type === 'resync' || (message.type === 'hello' && message.gap)) return ['team', 'tasks', 'activity'];
  if (message.type !== 'event') return [];
  const { streamId, type } = message.event;
  const data = (message.event.data ?? {}) as { taskId?: string; agentId?: string; target?: { team?: string | null; agentId?: string } };
  if (streamId === `team-${name}`) return ['team', 'activity'];
  if (streamId.startsWith('agent-') && memberIds.has(streamId.slice('agent-'.length))) return ['team', 'activity'];
  if (type.startsWith('task.')) {
    const ours =
      (data.taskId !== undefined && taskIds.has(data.taskId)) ||
      data.target?.team === name ||
      (data.target?.agentId !== undefined && memberIds.has(data.target.agentId)) ||
      (data.agentId !== undefined && memberIds.has(data.agentId));
    return ours ? ['tasks', 'team', 'activity'] : [];
  }
  return [];
}

export function useTeamView(name: string): TeamViewState & { reload: () => void } {
  const [state, setState] = useState<TeamViewState>({ team: null, tasks: null, activity: null, error: null, tasksError: null });
  const ref = useRef(state);
  ref.current = state;

  useEffect(() => {
    let alive = true;
    const set = (patch: Partial<TeamViewState>): void => {
      if (alive) setState((s) => ({ ...s, ...patch }));
    };
    const load: Record<Part, () => Promise<void>> = {
      team: () =>
        api.team(name).then(
          (team) => set({ team, error: null }),
          (err: unknown) => set({ error: messageOf(err) }),
        ),
      tasks: () =>
        api.tasks({ team: name }).then(
          (tasks) => set({ tasks, tasksError: null }),
          (err: unknown) => set({ tasksError: messageOf(err) }),
        ),
      activity: () =>
        api.teamActivity(name).then(
          (page) => set({ activity: page.items }),
          () => undefined,
        ),
    };
    const timers = new Map<Part, ReturnType<typeof setTimeout>>();
    const soon = (part: Part) => {
      const prior = timers.get(part);
      if (prior) clearTimeout(prior);
      timers.set(
        part,
        setTimeout(() => {
          timers.delete(part);
          void load[part]().then(() => alive && setTimeout(() => alive && void load[part](), 1200));
        }, 150),
      );
    };
    for (const part of ['team', 'tasks', 'activity'] as Part[]) void load[part]();
    const off = live.on((message) => {
      const s = ref.current;
      const members = new Set((s.team?.members ?? []).map((m) => m.agentId));
      const tasks = new Set((s.tasks ?? []).map((t) => t.taskId));
      for (const part of partsOf(message, name, members, tasks)) soon(part);
    });
    const poll = setInterval(() => {
      if (live.state !== 'live') for (const part of ['team', 'tasks', 'activity'] as Part[]) void load[part]();
    }, 5000);
    return () => {
      alive = false;
      off();
      clearInterval(poll);
      for (const t of timers.values()) clearTimeout(t);
    };
  }, [name]);

  const reload = () => {
    void api.team(name).then((team) => setState((s) => ({ ...s, team })));
    void api.tasks({ team: name }).then(
      (tasks) => setState((s) => ({ ...s, tasks, tasksError: null })),
      () => undefined,
    );
  };
  return { ...state, reload };
}
