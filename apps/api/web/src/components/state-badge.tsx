import type { Agent } from '../api/types';

const tone = (s: string): string =>
  s === 'running' || s === 'healthy'
    ? 'ok'
    : s === 'unhealthy' || s === 'failed' || s === 'exited' || s === 'missing'
      ? 'bad'
      : s === 'stopped' || s === 'removed'
        ? 'off'
        : 'wait';

export const Pill = (props: { value: string; title?: string }) => (
  <span class={`pill pill-${tone(props.value)}`} title={props.title}>
    {props.value}
  </span>
);

/** desired → observed, e.g. "running → starting" while it converges. */
export function StateBadge({ agent }: { agent: Agent }) {
  const { desired, observed } = agent.state;
  return (
    <span class="state" data-testid="agent-state" data-observed={observed} data-desired={desired}>
      <Pill value={observed} title={`observed: ${observed}`} />
      {desired !== observed ? <span class="muted small"> wants {desired}</span> : null}
    </span>
  );
}
