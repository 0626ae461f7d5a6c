import type { Agent, AgentSample, Me } from '../api/types';
import { bytes, percent } from '../format';
import { AgentActions } from './agent-actions';
import { Link } from './link';
import { pure } from './pure';
import { Sparkline } from './sparkline';
import { Pill, StateBadge } from './state-badge';
import { Uptime } from './uptime';

/**
 * One agent in the grid: a table row on a wide screen, a card on a phone (styles.css).
 * Rendered again only when its agent, its samples or the page's mode change; the uptime
 * counts by itself.
 */
export const AgentRow = pure(function AgentRow(props: { agent: Agent; samples: AgentSample[]; me: Me; past: boolean }) {
  const { agent, samples, me } = props;
  const last = samples[samples.length - 1];
  const alert = agent.lastAlert?.state === 'open' ? agent.lastAlert : null;
  const running = agent.state.observed === 'running' && !props.past;
  return (
    <div class="agent" role="row" data-testid="agent-row" data-agent={agent.name} data-observed={agent.state.observed}>
      <span role="cell" class="c-name">
        <Link href={`/agents/${encodeURIComponent(agent.name)}`}>{agent.name}</Link>
        <span class="muted small block">{agent.template ? `${agent.template.name}@${agent.template.version}` : 'adopted'}</span>
      </span>
      <span role="cell" class="c-state">
        <StateBadge agent={agent} />
      </span>
      <span role="cell" class="c-health">
        <Pill value={agent.health} title="health" />
      </span>
      <span role="cell" class="c-cpu">
        <span class="label">CPU</span>
        {running ? <Sparkline values={samples.map((s) => s.cpuPercent)} max={100} label={`CPU trend of ${agent.name}`} /> : null}
        <span class="num">{running ? percent(last?.cpuPercent) : '–'}</span>
      </span>
      <span role="cell" class="c-mem">
        <span class="label">Memory</span>
        {running ? <Sparkline values={samples.map((s) => s.memoryBytes)} max={last?.memoryLimitBytes} label={`memory trend of ${agent.name}`} /> : null}
        <span class="num">{running ? bytes(last?.memoryBytes) : '–'}</span>
      </span>
      <span role="cell" class="c-up">
        <span class="label">Up</span>
        {running && agent.runningSince ? <Uptime from={agent.runningSince} /> : '–'}
      </span>
      <span role="cell" class="c-restarts">
        <span class="label">Restarts</span>
        {agent.restarts}
      </span>
      <span role="cell" class="c-alert">
        {alert ? (
          <Link href="/alerts" class={`alert-chip sev-${alert.severity ?? 'warning'}`}>
            ⚠ {alert.message}
          </Link>
        ) : null}
      </span>
      <span role="cell" class="c-actions">
        {props.past ? null : <AgentActions agent={agent} me={me} compact />}
      </span>
    </div>
  );
});
