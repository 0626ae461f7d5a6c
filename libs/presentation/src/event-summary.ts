import type { EventDataMap, EventType, RecoveryCause, HistoryEntry } from '@sacp/events';
import { duration, shortContainer, truncate } from './format';

const MAX_OUTPUT = 80;

type Summarizers = { [K in EventType]?: (data: EventDataMap[K]) => string };

const exitText = (code: number | null, oomKilled: boolean): string => [code === null ? 'exit code unknown' : `exit ${code}`, ...(oomKilled ? ['OOM killed'] : [])].join(', ');

const causeText = (c: RecoveryCause): string => `${c.kind}${c.detail ? `: ${truncate(c.detail, 60)}` : ''}`;

/**
 * One line per event type saying what happened in words: "exit 137, OOM killed",
 * "restart #3 in 8s (oom_killed)". Written against the v1 contracts; data that does not
 * have the expected shape (a newer writer) falls back to the event type.
 */
const SUMMARIZERS: Summarizers = {
  'agent.deployed': (d) => `deployed as ${d.name} from ${d.template.name}@${d.template.version}${d.team ? ` into team ${d.team}${d.role ? ` as ${d.role}` : ''}` : ''}`,
  'agent.adopted': (d) => `adopted container ${d.containerName} (${d.image}, ${d.running ? 'running' : 'not running'})`,
  'agent.start_requested': () => 'start requested',
  'agent.stop_requested': () => 'stop requested',
  'agent.restart_requested': (d) => `restart #${d.restartSeq} requested`,
  'agent.remove_requested': (d) => (d.volumes ? 'removal requested, volumes too' : 'removal requested'),
  'agent.container_created': (d) => `container ${d.containerName} created (generation ${d.generation})`,
  'agent.container_started': (d) => `started container ${shortContainer(d.containerId)}`,
  'agent.container_stopped': (d) => (d.exitCode === null ? 'stopped' : `stopped (exit ${d.exitCode})`),
  'agent.container_exited': (d) => exitText(d.exitCode, d.oomKilled),
  'agent.container_restarted': (d) => `restarted (restart #${d.restartSeq})`,
  'agent.container_removed': (d) => `container ${shortContainer(d.containerId)} removed`,
  'agent.removed': (d) => `agent ${d.name} removed, name released`,
  // version 1 has no back-off fields
  'agent.operation_failed': (d) =>
    `${d.operation} failed${typeof d.failures === 'number' ? ` (${d.failures}/${d.limit}, ${d.nextAttemptAt ? `next attempt ${d.nextAttemptAt}` : 'gave up'})` : ''}: ${d.code}: ${truncate(d.message, 60)}`,
  'agent.restart_scheduled': (d) => `restart #${d.attempt} in ${duration(d.delayMs)} (${d.cause.kind})`,
  'agent.recovery_abandoned': (d) => `gave up after ${d.attempts} restart${d.attempts === 1 ? '' : 's'} within ${d.windowSeconds}s (${causeText(d.cause)})`,
  'agent.health_changed': (d) => `${d.status} (${d.probe} probe${d.output ? `: ${truncate(d.output, MAX_OUTPUT)}` : ''})`,
  'alert.raised': (d) => `${d.severity} alert: ${truncate(d.message, MAX_OUTPUT)}`,
  'alert.resolved': (d) => `alert resolved: ${truncate(d.message, MAX_OUTPUT)}`,
  'agent.name_claimed': (d) => `name ${d.name} claimed`,
  'agent.name_released': (d) => `name ${d.name} released`,
  'volume.removed': (d) => `volume ${d.volume} removed (${d.by === 'operator' ? 'orphaned, by an operator' : 'with its agent'})`,
  'agent.team_changed': (d) => (d.team ? `joined team ${d.team}${d.role ? ` as ${d.role}` : ''}` : 'left its team'),
  'team.created': (d) =>
    `team ${d.team} created (${d.config.members.length} member${d.config.members.length === 1 ? '' : 's'} configured, config v${d.configVersion}${d.file ? ` from ${d.file}` : ''})`,
  'team.changed': (d) => `team ${d.team} changed: ${d.changed.join(', ') || 'nothing visible'} (config v${d.configVersion})`,
  'team.deleted': (d) => `team ${d.team} deleted`,
  'team.member_added': (d) => `${d.agent} joined team ${d.team}${d.role ? ` as ${d.role}` : ''}${d.template ? ` (${d.template.name}@${d.template.version})` : ''}`,
  'team.member_removed': (d) => `${d.agent} left team ${d.team}${d.cause === 'agent_removed' ? ' (agent removed)' : ''}`,
  'task.created': (d) =>
    `task "${truncate(d.title, 60)}" created for ${d.target.kind === 'agent' ? d.target.agent : `team ${d.target.team}${d.target.role ? ` (${d.target.role})` : ''}`}${d.parentTaskId ? ' (subtask)' : ''}`,
  'task.assigned': (d) => `task assigned to ${d.agent} (attempt ${d.attempt}: ${truncate(d.policy, 60)})${d.startsAgent ? ', starting it' : ''}`,
  'task.accepted': (d) => `task accepted (attempt ${d.attempt})`,
  'task.progressed': (d) => `task progress${d.percent === null ? '' : ` ${Math.round(d.percent)}%`}: ${truncate(d.message, 60)}`,
  'task.succeeded': (d) => `task succeeded (attempt ${d.attempt})`,
  'task.attempt_failed': (d) => `task attempt ${d.attempt} ${d.cause.replace('_', ' ')}: ${truncate(d.reason, 60)}; ${d.next === 'retry' ? 'queued again' : 'no retry'}`,
  'task.requeued': (d) => `task back in the queue after attempt ${d.attempt}: ${truncate(d.reason, 60)}`,
  'task.failed': (d) => `task failed after ${d.attempts} attempt${d.attempts === 1 ? '' : 's'}: ${truncate(d.reason, 80)}`,
  'task.cancelled': (d) => `task cancelled${d.attempt ? ` (attempt ${d.attempt})` : ''}`,
};

export function summarizeEvent(e: Pick<HistoryEntry, 'type' | 'data'>): string {
  const fn = (SUMMARIZERS as Record<string, ((data: unknown) => string) | undefined>)[e.type];
  if (!fn) return e.type;
  try {
    return fn(e.data);
  } catch {
    return e.type;
  }
}
