import { useEffect, useMemo, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { Agent, AgentSample, Me } from '../api/types';
import { AgentFilters, NO_FILTERS, type Filters } from '../components/agent-filters';
import { AgentRow } from '../components/agent-row';
import { DeployDialog } from '../components/deploy-dialog';
import { ErrorNote } from '../components/error-note';
import { TimeSlider } from '../components/time-slider';
import { time } from '../format';
import { navigate, useRoute } from '../router';
import { fleet, reloadFleet } from '../state/fleet';
import { can } from '../state/session';
import { useStore } from '../state/store';

const matches = (a: Agent, f: Filters): boolean => {
  const q = f.q.trim().toLowerCase();
  if (q && !a.name.toLowerCase().includes(q) && !(a.template?.name ?? '').toLowerCase().includes(q)) return false;
  if (f.state && a.state.observed !== f.state && a.state.desired !== f.state) return false;
  if (f.health && a.health !== f.health) return false;
  if (f.template && a.template?.name !== f.template) return false;
  return true;
};

/** one empty list for every row without samples: a row is rendered again only when its own props change */
const NO_SAMPLES: AgentSample[] = [];

/** The agent grid: live, filterable, and with the time slider the fleet as it was at any moment. */
export function AgentsPage({ me }: { me: Me }) {
  const state = useStore(fleet);
  const route = useRoute();
  const atParam = route.query.get('at');
  const at = atParam ? Date.parse(atParam) : null;
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [deploying, setDeploying] = useState(false);
  const [past, setPast] = useState<{ at: string; position: string; agents: Agent[] } | null>(null);
  const [pastError, setPastError] = useState<string | null>(null);
  const [showSlider, setShowSlider] = useState(at !== null);
  const [historyStart, setHistoryStart] = useState<number | null>(null);

  // the slider reaches back to the first recorded event (agents removed long ago included)
  useEffect(() => {
    if (!showSlider && at === null) return;
    let live = true;
    api
      .timeline()
      .then((t) => live && t.first && setHistoryStart(Date.parse(t.first.at)))
      .catch(() => undefined);
    return () => {
      live = false;
    };
  }, [showSlider, at !== null]);

  useEffect(() => {
    if (at === null || Number.isNaN(at)) return setPast(null);
    let live = true;
    setPastError(null);
    api
      .fleetAt(new Date(at).toISOString())
      .then((r) => live && setPast({ at: r.asOf.at, position: r.asOf.position, agents: r.items }))
      .catch((err: unknown) => live && setPastError(messageOf(err)));
    return () => {
      live = false;
    };
  }, [at]);

  // a new list only when the agents change (not on a resource sample), so the filter and sort below run then only
  const source = useMemo(() => (past ? past.agents : [...state.agents.values()]), [past, state.agents]);
  // until the history's start is known: an hour back, or the oldest agent's creation if older
  const fallbackFirst = useMemo(() => Math.min(Date.now() - 3600_000, ...source.map((a) => Date.parse(a.createdAt)).filter(Number.isFinite)), [source]);
  const first = historyStart ?? fallbackFirst;
  const templates = useMemo(() => [...new Set(source.map((a) => a.template?.name).filter((t): t is string => !!t))].sort(), [source]);
  const shown = useMemo(() => source.filter((a) => matches(a, filters)).sort((a, b) => a.name.localeCompare(b.name)), [source, filters]);

  const setAt = (ms: number | null) => navigate(ms === null ? '/' : `/?at=${encodeURIComponent(new Date(ms).toISOString())}`, { replace: true });

  return (
    <main id="main" class="page">
      <div class="row wrap between">
        <h1>
          Agents{' '}
          <span class="muted small" data-testid="agent-count">
            {shown.length === source.length ? source.length : `${shown.length} of ${source.length}`}
          </span>
        </h1>
        <div class="row">
          <button
            type="button"
            aria-expanded={showSlider}
            onClick={() => (showSlider && at !== null ? (setAt(null), setShowSlider(false)) : setShowSlider(!showSlider))}
            data-testid="time-travel"
          >
            Time travel
          </button>
          {can(me, 'operator') && !past ? (
            <button type="button" class="primary" onClick={() => setDeploying(true)} data-testid="deploy-open">
              Deploy
            </button>
          ) : null}
        </div>
      </div>
      {showSlider || at !== null ? <TimeSlider first={first} at={at} onChange={setAt} /> : null}
      {past ? (
        <p class="banner" role="status" data-testid="past-banner">
          The fleet as it was at {time(past.at)} (event #{past.position}). Nothing here is live.
        </p>
      ) : null}
      <ErrorNote error={pastError ?? state.error} />
      <AgentFilters value={filters} templates={templates} onChange={setFilters} />
      <div class="grid" role="table" aria-label="Agents" data-testid="agent-grid" aria-busy={!state.loaded}>
        <div class="agent head" role="row">
          {['Agent', 'State', 'Health', 'CPU', 'Memory', 'Uptime', 'Restarts', 'Alert', ''].map((h, i) => (
            <span role="columnheader" key={i}>
              {h}
            </span>
          ))}
        </div>
        {shown.map((a) => (
          <AgentRow key={a.id} agent={a} samples={(!past && state.samples.get(a.id)) || NO_SAMPLES} me={me} past={!!past} />
        ))}
      </div>
      {state.loaded && !shown.length ? <p class="muted">{source.length ? 'No agent matches these filters.' : 'No agents yet.'}</p> : null}
      {deploying ? <DeployDialog onClose={() => setDeploying(false)} onDeployed={() => void reloadFleet()} /> : null}
    </main>
  );
}
