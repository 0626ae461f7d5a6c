import type { TaskChangeResult } from '../tasks/task-commands.v1';
import type { ResourceAmounts } from '../teams/team-config';
import type { TemplateRef } from '../events/template-ref';

/** The agent after a lifecycle command: `changed: false` means it was already as asked. */
export interface AgentChangeResult {
  agentId: string;
  name: string;
  changed: boolean;
  desired: 'running' | 'stopped' | 'removed';
}

/** A template file's problem: the file, the field, what is wrong; `policy` when valid but refused by the container policy. */
export interface TemplateProblemView {
  file: string;
  field: string;
  message: string;
  kind: 'invalid' | 'policy';
}

export interface AlertChangeResult {
  key: string;
  changed: boolean;
  open: boolean;
}

/** A user after a user command: `changed: false` means it was already as asked. */
export interface UserChangeResult {
  userId: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin' | null;
  changed: boolean;
}

export interface TokenChangeResult {
  tokenId: string;
  name: string;
  role: 'viewer' | 'operator' | 'admin';
  expiresAt: string | null;
  changed: boolean;
}

/**
 * What an accepted command's reply carries in `result`, by command type: the contract
 * between the orchestrator's handlers and every client (`BusClient.send` types its
 * reply with it). A command type without an entry here does not compile.
 */
export interface CommandResults {
  /** `team`: the team it was deployed into */
  'agent.deploy': AgentChangeResult & { template: TemplateRef; team?: string };
  'agent.start': AgentChangeResult;
  'agent.stop': AgentChangeResult;
  'agent.restart': AgentChangeResult;
  'agent.remove': AgentChangeResult;
  'agent.adopt': AgentChangeResult & { containerId: string };
  'template.sync': { registered: { name: string; version: number }[]; unchanged: { name: string; version: number }[]; problems: TemplateProblemView[] };
  /** `events` and `millis` come from the rebuild after the commit; a duplicate's reply may lack them */
  'system.replay': { events?: number; millis?: number };
  'secret.set': { name: string; version: number; templates: string[] };
  'agent.schedule_restart': AgentChangeResult;
  'agent.abandon_recovery': AgentChangeResult;
  'agent.report_health': AgentChangeResult;
  'alert.raise': AlertChangeResult;
  'alert.resolve': AlertChangeResult;
  /** `changed: false`: it was acknowledged already */
  'alert.acknowledge': { key: string; alertId: string; changed: boolean };
  'access.refuse': { refused: string };
  'container.remove_quarantined': { containerId: string; containerName: string; removed: true };
  'volume.remove': { volume: string; agentId: string | null; agentName: string | null; removed: true };
  'user.add': UserChangeResult;
  'user.set_role': UserChangeResult;
  'user.set_password': UserChangeResult;
  'user.remove': UserChangeResult & { revokedTokens: string[] };
  /** `token` is in the reply to the first delivery only: it is never stored, so a duplicate's reply lacks it */
  'token.create': TokenChangeResult & { token?: string };
  'token.revoke': TokenChangeResult;
  'team.create': TeamChangeResult;
  'team.change': TeamChangeResult;
  'team.delete': TeamChangeResult;
  'team.add_member': TeamChangeResult & { agentId: string; agent: string };
  'team.remove_member': TeamChangeResult & { agentId: string; agent: string };
  /** the members deployed (new agents) and started (stopped ones), by agent name */
  'team.deploy': TeamChangeResult & { deployed: string[]; started: string[]; unchanged: string[] };
  'team.stop': TeamChangeResult & { stopped: string[]; unchanged: string[] };
  'task.create': TaskChangeResult;
  'task.cancel': TaskChangeResult;
}

/** A team after a team command: `changed: false` means it was already as asked. */
export interface TeamChangeResult {
  team: string;
  changed: boolean;
  configVersion: number;
  hash: string;
  usage: ResourceAmounts;
  quota: ResourceAmounts;
}
