import type { Amounts } from '../api/team-types';
import { bytes } from '../format';

const share = (used: number, quota: number) => (quota > 0 ? Math.min(100, (used / quota) * 100) : 0);
const cpus = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2).replace(/0$/, ''));

/** What a team's members use of its quota: memory, CPUs and processes, each as a bar with its numbers. */
export function QuotaBars(props: { usage: Amounts; quota: Amounts; compact?: boolean }) {
  const { usage, quota } = props;
  const rows: [string, number, number, string][] = [
    ['Memory', usage.memory, quota.memory, `${bytes(usage.memory)} of ${bytes(quota.memory)}`],
    ['CPUs', usage.cpus, quota.cpus, `${cpus(usage.cpus)} of ${cpus(quota.cpus)}`],
    ['Processes', usage.pids, quota.pids, `${usage.pids} of ${quota.pids}`],
  ];
  return (
    <dl class={`quota${props.compact ? ' compact' : ''}`} data-testid="quota">
      {rows.map(([label, used, max, words]) => (
        <div key={label} class="quota-row">
          <dt>{label}</dt>
          <dd>
            <span class="bar" role="meter" aria-label={`${label} used`} aria-valuemin={0} aria-valuemax={max} aria-valuenow={used}>
              <span class={`fill${share(used, max) >= 90 ? ' high' : ''}`} style={{ width: `${share(used, max)}%` }} />
            </span>
            <span class="small muted">{words}</span>
          </dd>
        </div>
      ))}
    </dl>
  );
}
