import { useEffect, useState } from 'preact/hooks';
import { api, messageOf } from '../api/client';
import type { Agent, Me } from '../api/types';
import { AgentActions } from '../components/agent-actions';
import { ErrorNote } from '../components/error-note';
import { HistoryTimeline } from '../components/history-timeline';
import { LastChangeWhy } from '../components/last-change-why';
import { Link } from '../components/link';
import { LogViewer } from '../components/log-viewer';
import { ResourceCharts } from '../components/resource-chart';
import { Pill, StateBadge } from '../components/state-badge';
import { Uptime } from '../components/uptime';
import { time } from '../format';
import { fleet } from '../state/fleet';
import { useStore } from '../state/store';

/** One agent: its state, controls, live log, history with the why chain, and resources. */
export function AgentDetailPage(props: { name: string; me: Me }) {
  const state = useStore(fleet);
  const fromFleet = [...state.agents.values()].find((a) => a.name === props.name);
  const [fetched, setFetched] = useState<Agent | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    api
      .agent(props.name)
      .then(setFetched)
      .catch((err: unknown) => setError(messageOf(err)));
  }, [props.name]);

  const agent = fromFleet ?? fetched;
  if (!agent)
    return (
      <main id="main" class="page">
        <p>
          <Link href="/">← Agents</Link>
        </p>
        {error ? <ErrorNote error={error} /> : <p class="muted">Loading {props.name}…</p>}
      </main>
    );
  const tick = Date.parse(agent.updatedAt) || 0;
  // the samples the live connection brought since the page opened (GET /resources gave the latest)
  const samples = state.samples.get(agent.id) ?? [];

  return (
    <main id="main" class="page" data-testid="agent-detail" data-agent={agent.name}>
      <p>
        <Link href="/">← Agents</Link>
      </p>
      <div class="row wrap between">
        <h1>{agent.name}</h1>
        <AgentActions agent={agent} me={props.me} />
      </div>
      <dl class="facts">
        <dt>Template</dt>
        <dd>{agent.template ? <Link href={`/templates/${encodeURIComponent(agent.template.name)}`}>{`${agent.template.name}@${agent.template.version}`}</Link> : 'adopted'}</dd>
        <dt>Team</dt>
        <dd data-testid="agent-team">{agent.team ? <Link href={`/teams/${encodeURIComponent(agent.team)}`}>{agent.team}</Link> : 'none'}</dd>
        <dt>State</dt>
        <dd>
          <StateBadge agent={agent} />
        </dd>
        <dt>Health</dt>
        <dd>
          <Pill value={agent.health} />
        </dd>
        <dt>Uptime</dt>
        <dd>
          {agent.runningSince ? (
            <>
              <Uptime from={agent.runningSince} /> (since {time(agent.runningSince)})
            </>
          ) : (
            '–'
          )}
        </dd>
        <dt>Restarts</dt>
        <dd>{agent.restarts}</dd>
        <dt>Container</dt>
        <dd class="mono">{agent.containerId?.slice(0, 12) ?? '–'}</dd>
        <dt>Created</dt>
        <dd>{time(agent.createdAt)}</dd>
        {agent.lastError ? (
          <>
            <dt>Last error</dt>
            <dd class="error-text">
              {agent.lastError.operation}: {agent.lastError.message} ({agent.lastError.code})
            </dd>
          </>
        ) : null}
        {agent.lastAlert?.state === 'open' ? (
          <>
            <dt>Alert</dt>
            <dd>
              <Link href="/alerts">{agent.lastAlert.message}</Link>
            </dd>
          </>
        ) : null}
      </dl>
      <div class="two">
        <ResourceCharts samples={samples} />
        <LastChangeWhy agent={agent.name} tick={tick} />
      </div>
      <HistoryTimeline agent={agent.name} tick={tick} />
      <LogViewer agent={agent.name} />
      <p class="small">
        <Link href={`/logs?agent=${encodeURIComponent(agent.name)}`}>Search this agent's collected logs</Link> (kept after its container is gone)
      </p>
    </main>
  );
}
