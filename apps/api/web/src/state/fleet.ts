/**
 * The fleet as the grid and the detail page show it: the agent list (GET /api/v1/agents),
 * kept current from the live connection without a reload. An agent event refreshes that
 * agent (the read model is projected just after the event commits, so once more a moment
 * later); an unknown agent or a resync reloads the list. Resource samples are kept per
 * agent, the last 60, for the small trends.
 */
import { api, messageOf } from '../api/client';
import { live, type LiveMessage } from '../api/live';
import type { Agent, AgentSample, HostSample } from '../api/types';
import { createStore } from './store';

export interface FleetState {
  agents: Map<string, Agent>;
  loaded: boolean;
  error: string | null;
  /** agent id → recent samples, oldest first */
  samples: Map<string, AgentSample[]>;
  host: HostSample | null;
}

const TREND = 60;
export const fleet = createStore<FleetState>({ agents: new Map(), loaded: false, error: null, samples: new Map(), host: null });

let reloading: Promise<void> | null = null;
let reloadAgain = false;

export async function reloadFleet(): Promise<void> {
  if (reloading) {
    reloadAgain = true;
    return reloading;
  }
  reloading = (async () => {
    try {
      const items = await api.agents();
      fleet.set((s) => ({ ...s, agents: new Map(items.map((a) => [a.id, a])), loaded: true, error: null }));
    } catch (err) {
      fleet.set((s) => ({ ...s, loaded: true, error: messageOf(err) }));
    } finally {
      reloading = null;
      if (reloadAgain) {
        reloadAgain = false;
        void reloadFleet();
      }
    }
  })();
  return reloading;
}

async function refreshAgent(id: string): Promise<void> {
  const known = fleet.get().agents.get(id);
  if (!known) return reloadFleet();
  try {
    const agent = await api.agent(known.name);
    fleet.set((s) => ({ ...s, agents: new Map(s.agents).set(agent.id, agent) }));
  } catch {
    // gone from the list (removed and no longer shown), or briefly unreachable: the list decides
    await reloadFleet();
  }
}

const pending = new Map<string, ReturnType<typeof setTimeout>>();
function refreshSoon(id: string): void {
  const prior = pending.get(id);
  if (prior) clearTimeout(prior);
  pending.set(
    id,
    setTimeout(() => {
      pending.delete(id);
      void refreshAgent(id).then(() => setTimeout(() => void refreshAgent(id), 1200));
    }, 150),
  );
}

// samples arrive one agent at a time (500 agents: 500 messages a round); kept in one change a quarter second
let queued: AgentSample[] = [];
let flush: ReturnType<typeof setTimeout> | null = null;

function addSample(sample: AgentSample): void {
  queued.push(sample);
  flush ??= setTimeout(() => {
    const batch = queued;
    queued = [];
    flush = null;
    fleet.set((s) => {
      const samples = new Map(s.samples);
      for (const one of batch) samples.set(one.agentId, [...(samples.get(one.agentId) ?? []), one].slice(-TREND));
      return { ...s, samples };
    });
  }, 250);
}

function onLive(message: LiveMessage): void {
  if (message.type === 'event') {
    const { streamId } = message.event;
    if (streamId.startsWith('agent-')) refreshSoon(streamId.slice('agent-'.length));
    else if (message.event.type.startsWith('agent.')) void reloadFleet();
  } else if (message.type === 'resource') {
    const sample = message.sample;
    if ('agentId' in sample) addSample(sample);
    else fleet.set((s) => ({ ...s, host: sample }));
  } else if (message.type === 'resync' || (message.type === 'hello' && message.gap)) {
    // the server could not keep up with this client, or this is the first connection (the list
    // read as the page opened may miss what was committed before the live feed began): the
    // list is read again. Not on a reconnect's `hello`: it resumes from the last event seen
    void reloadFleet();
  }
}

/**
 * Asks for the list beside GET /auth/me as the page opens (one round trip sooner than
 * after it); signed out, it fails with 401 and `followFleet` asks again after sign-in.
 */
export function prefetchFleet(): void {
  if (!reloading && !fleet.get().loaded) void reloadFleet();
}

let started = false;
/** Loads the list once (unless the prefetch has it or is getting it) and follows the live connection from then on. */
export function followFleet(): void {
  if (started) return;
  started = true;
  live.on(onLive);
  const s = fleet.get();
  if (!reloading && (!s.loaded || s.error)) void reloadFleet();
  // while the live connection is down (it reconnects by itself), the list is polled instead
  setInterval(() => {
    if (live.state !== 'live') void reloadFleet();
  }, 5000);
  void api
    .resources()
    .then((r) => {
      const list = Array.isArray(r.agents) ? r.agents : Object.values(r.agents);
      for (const sample of list) addSample(sample);
      if (r.host) fleet.set((s) => ({ ...s, host: r.host }));
    })
    .catch(() => undefined);
}
