import type { Command } from 'commander';
import type { AgentStatusView } from '@sacp/events';
import type { CliContext } from '../context';
import { fetchAgentResources, type AgentResources } from '../metrics';
import { bytes, dash, duration, json, percent, relativeTime, shortContainer, shortId, templateLabel, truncate } from '../output/format';
import { renderTable } from '../output/table';
import type { Runtime } from '../runtime';
import { queryAll } from '../paging';

const MAX_ERROR_WIDTH = 60;
const MAX_ALERT_WIDTH = 48;

export function registerStatus(program: Command, rt: Runtime): void {
  program
    .command('status')
    .summary('list agents with their state, health, resource use, restarts and alerts')
    .description('Lists every agent that is not removed, or one agent (removed ones included when named by id).')
    .argument('[agent]', 'agent name or id')
    .option('--team <team>', 'only the agents of one team')
    .option('--json', 'print the AgentStatusView objects as JSON, each with a "resources" field (null when no monitor answers)')
    .addHelpText(
      'after',
      `
Columns:
  DESIRED, OBSERVED  what the agent should be doing, and what its container does
  HEALTH             its health checks' verdict (- with no checks, or none run yet)
  CPU, MEM           the monitor's latest sample (- when no monitor answers in 1 s)
  RESTARTS           restarts of its container so far
  LAST EXIT          exit code of the container's last exit; "137 OOM": killed
                     for exceeding its memory limit
  NEXT RESTART       when auto-recovery restarts it ("in 8s"); "gave up" after
                     too many failures, until an operator starts it
  ALERT              the open alert about it: severity and message
  ERROR              the last failed Docker operation; while one keeps failing,
                     its failures so far and the next attempt: "(2/5, next in 8s)"
                     or "(5/5, gave up)": it waits for start, restart or stop

Examples:
  $ sacp status
  $ sacp status coder-1
  $ sacp status --json | jq -r '.[] | select(.state.observed != "running") | .name'
  $ sacp status --json | jq -r '.[] | select(.lastAlert.state == "open") | "\\(.name): \\(.lastAlert.message)"'`,
    )
    .action(rt.action(status));
}

async function status(ctx: CliContext, agent: string | undefined, o: { json?: boolean; team?: string }): Promise<void> {
  // both at once: the monitor's figures never delay the table by more than its short timeout
  const [views, resources] = await Promise.all([queryAll(ctx, 'agent.status', agent ? { agent } : o.team ? { team: o.team } : {}, 'status'), fetchAgentResources(ctx.bus)]);
  const resourcesOf = (v: AgentStatusView): AgentResources | null => resources?.[v.id] ?? null;
  if (o.json) return ctx.io.out(json(views.map((v) => ({ ...v, resources: resourcesOf(v) }))));
  if (!views.length) return ctx.io.out('no agents: deploy one with "sacp deploy <template>" (see "sacp templates list")\n');
  const now = Date.now();
  // the TEAM column only when an agent shown is in a team
  const teams = views.some((v) => v.team);
  ctx.io.out(
    renderTable(
      ['NAME', 'ID', ...(teams ? ['TEAM'] : []), 'TEMPLATE', 'DESIRED', 'OBSERVED', 'HEALTH', 'CPU', 'MEM', 'RESTARTS', 'LAST EXIT', 'NEXT RESTART', 'CONTAINER', 'ALERT', 'ERROR'],
      views.map((v) => {
        const r = resourcesOf(v);
        return [
          v.name,
          shortId(v.id),
          ...(teams ? [dash(v.team)] : []),
          templateLabel(v.template),
          v.state.desired,
          v.state.observed,
          healthLabel(v.health),
          r ? percent(r.cpuPercent) : '-',
          r ? memoryLabel(r) : '-',
          String(v.restarts),
          lastExitLabel(v.lastExit),
          nextRestartLabel(v, now),
          shortContainer(v.containerId),
          alertLabel(v.lastAlert),
          errorLabel(v, now),
        ];
      }),
    ),
  );
}

const healthLabel = (h: AgentStatusView['health'] | undefined): string => (h === 'healthy' || h === 'unhealthy' ? h : '-');

/** `1`, `137 OOM`, `OOM` (killed, code unknown), `-` (never exited). */
export function lastExitLabel(e: AgentStatusView['lastExit'] | undefined): string {
  if (!e) return '-';
  const code = e.code === null ? null : String(e.code);
  if (e.oomKilled) return code ? `${code} OOM` : 'OOM';
  return code ?? '?';
}

export function nextRestartLabel(v: Pick<AgentStatusView, 'restartDueAt' | 'recoveryAbandoned'>, now: number): string {
  if (v.recoveryAbandoned) return 'gave up';
  if (!v.restartDueAt) return '-';
  const late = now - Date.parse(v.restartDueAt);
  if (late > 2000) return `overdue ${duration(late)}`;
  return relativeTime(v.restartDueAt, now);
}

/** The last error, and while an operation keeps failing, its count and next attempt. */
export function errorLabel(v: Pick<AgentStatusView, 'lastError' | 'failing'>, now: number): string {
  const f = v.failing;
  if (f) {
    const of = f.limit ? `${f.failures}/${f.limit}` : String(f.failures);
    const when = f.gaveUp ? 'gave up' : f.nextAttemptAt ? `next ${relativeTime(f.nextAttemptAt, now)}` : 'retrying';
    return truncate(`${f.code} (${of}, ${when}): ${f.message}`, MAX_ERROR_WIDTH);
  }
  return v.lastError ? truncate(`${v.lastError.code}: ${v.lastError.message}`, MAX_ERROR_WIDTH) : dash(null);
}

/** An open alert as "critical: <message>"; a resolved one is history (see "sacp why"), not status. */
export function alertLabel(a: AgentStatusView['lastAlert'] | undefined): string {
  if (!a || a.state !== 'open') return '-';
  return truncate(a.severity ? `${a.severity}: ${a.message}` : a.message, MAX_ALERT_WIDTH);
}

const memoryLabel = (r: AgentResources): string => (r.memoryLimitBytes > 0 ? `${bytes(r.memoryBytes)}/${bytes(r.memoryLimitBytes)}` : bytes(r.memoryBytes));
