import type { Token } from '@sacp/platform/nest';

/*
 * What the dispatcher needs of the agent protocol's orchestrator side (the
 * `AgentChannel` provider: offers and cancels over NATS request/reply, and the
 * subscription on the agents' reports). Bodies are those of libs/agent-protocol.
 */
export interface TaskOfferMessage {
  taskId: string;
  attempt: number;
  title: string;
  instructions: string;
  inputs: Record<string, unknown>;
  priority: 'low' | 'normal' | 'high' | 'urgent';
  deadline: string | null;
  timeoutMs: number;
}
export type OfferAnswer = { accepted: true } | { accepted: false; reason: string };
export type ReportKindName = 'hello' | 'task.progress' | 'task.succeed' | 'task.fail' | 'subtask.create';
export type ReportAnswer = { ok: true; [k: string]: unknown } | { ok: false; error: { code: string; message?: string } };
export type ReportListener = (agentId: string, kind: ReportKindName, body: never) => Promise<ReportAnswer>;

export interface TaskAgentChannel {
  /** rejects when the agent does not answer in time or nothing listens on its subject */
  offer(agentId: string, offer: TaskOfferMessage): Promise<OfferAnswer>;
  cancel(agentId: string, msg: { taskId: string; attempt: number; reason: string }): Promise<unknown>;
  onReport(handler: ReportListener): void;
}

export const TASK_AGENT_CHANNEL = Symbol('TASK_AGENT_CHANNEL') as Token<TaskAgentChannel>;
