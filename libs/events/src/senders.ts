import type { Actor } from './metadata';
import type { CommandType } from './commands';

/**
 * Who may send what: the one source of truth read by the orchestrator (it refuses a
 * command whose sender may not claim its actor kind) and by the NATS server config
 * generator (the server refuses the publish before it reaches anyone).
 */
/** `agent` is no sender: an agent reaches the control plane only through the agent protocol, never on sacp.cmd. */
export type SenderKind = Exclude<Actor['kind'], 'agent'>;
export const SENDER_KINDS: readonly SenderKind[] = ['cli', 'discord', 'api', 'system'];

/** What a person may ask for through a front door; roles inside each door decide further. */
const OPERATOR_COMMANDS = [
  'agent.deploy',
  'agent.start',
  'agent.stop',
  'agent.restart',
  'agent.remove',
  'agent.adopt',
  'template.sync',
  'system.replay',
  'secret.set',
  'container.remove_quarantined',
  'volume.remove',
  'team.create',
  'team.change',
  'team.delete',
  'team.add_member',
  'team.remove_member',
  'team.deploy',
  'team.stop',
  'task.create',
  'task.cancel',
] as const satisfies readonly CommandType[];

/** Users and tokens: only the CLI (on the control-plane machine) and the API (which checks the admin role) send them. */
const USER_COMMANDS = ['user.add', 'user.set_role', 'user.set_password', 'user.remove', 'token.create', 'token.revoke'] as const satisfies readonly CommandType[];

/**
 * The command types each actor kind may send. `system` is the monitor: recovery,
 * health, alerts and idle stop; it can never deploy, remove or read secrets. Only
 * chat and HTTP front doors check roles themselves, so only they report refusals.
 */
export const SENDER_COMMANDS: Record<SenderKind, readonly CommandType[]> = {
  cli: [...OPERATOR_COMMANDS, ...USER_COMMANDS, 'alert.acknowledge'],
  discord: [
    'agent.deploy',
    'agent.start',
    'agent.stop',
    'agent.restart',
    'agent.remove',
    'agent.adopt',
    'team.create',
    'team.delete',
    'team.add_member',
    'team.remove_member',
    'team.deploy',
    'team.stop',
    'task.create',
    'task.cancel',
    'access.refuse',
  ],
  api: [...OPERATOR_COMMANDS, ...USER_COMMANDS, 'alert.acknowledge', 'access.refuse'],
  system: ['agent.schedule_restart', 'agent.abandon_recovery', 'agent.report_health', 'alert.raise', 'alert.resolve', 'agent.stop'],
};

export const isSenderKind = (s: string): s is SenderKind => (SENDER_KINDS as readonly string[]).includes(s);

export const maySend = (kind: SenderKind, type: string): boolean => (SENDER_COMMANDS[kind] as readonly string[]).includes(type);

/** Queries answered by the monitor; every other query type is the orchestrator's. */
export const MONITOR_QUERIES = ['metrics.agents', 'logs.search'] as const;

/** Queries about users and tokens: answered only to the CLI and the API (the API checks the admin role); the Discord gateway may not publish them. */
export const ADMIN_QUERIES = ['user.list', 'token.list'] as const;
