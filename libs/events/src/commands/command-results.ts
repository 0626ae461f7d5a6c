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

/**
 * What an accepted command's reply carries in `result`, by command type: the contract
 * between the orchestrator's handlers and every client (`BusClient.send` types its
 * reply with it). A command type without an entry here does not compile.
 */
export interface CommandResults {
  'agent.deploy': AgentChangeResult & { template: TemplateRef };
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
  'access.refuse': { refused: string };
  'container.remove_quarantined': { containerId: string; containerName: string; removed: true };
}
