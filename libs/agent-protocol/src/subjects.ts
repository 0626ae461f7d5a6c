/**
 * The subjects of agent protocol v1. Everything an agent says goes out under
 * `sacp.agent.<agentId>.out.…`, everything the control plane asks it comes in under
 * `sacp.agent.<agentId>.in.…`; an agent's NATS credential (user `agent-<agentId>`) may
 * publish only on its own `out` subjects and read only its own `in` subjects and inbox.
 */
export const AGENT_PROTOCOL_VERSION = 1;

/** The queue group the orchestrator's replicas share on `sacp.agent.*.out.>`: one of them answers each report. */
export const ORCHESTRATOR_QUEUE_GROUP = 'sacp-orchestrator';

/** What the control plane asks an agent (NATS request; the agent replies). */
export const INBOUND_KINDS = ['task.offer', 'task.cancel'] as const;
export type InboundKind = (typeof INBOUND_KINDS)[number];

/** What an agent reports (NATS request; the orchestrator replies). */
export const REPORT_KINDS = ['hello', 'task.progress', 'task.succeed', 'task.fail', 'subtask.create'] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

/** Agent ids are UUIDs: lower-case hex and dashes, which never contain a subject separator or wildcard. */
export const AGENT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function checkAgentId(agentId: string): string {
  if (!AGENT_ID.test(agentId)) throw new Error(`"${agentId}" is not an agent id (a lower-case UUID)`);
  return agentId;
}

export const AgentSubjects = {
  /** every subject the control plane sends one agent */
  inbound: (agentId: string) => `sacp.agent.${checkAgentId(agentId)}.in.>`,
  /** every subject one agent reports on */
  outbound: (agentId: string) => `sacp.agent.${checkAgentId(agentId)}.out.>`,
  /** the orchestrator sends on these… */
  allInbound: 'sacp.agent.*.in.>',
  /** …and listens on these (queue group ORCHESTRATOR_QUEUE_GROUP) */
  allOutbound: 'sacp.agent.*.out.>',
  inboundKind: (agentId: string, kind: InboundKind) => `sacp.agent.${checkAgentId(agentId)}.in.${kind}`,
  report: (agentId: string, kind: ReportKind) => `sacp.agent.${checkAgentId(agentId)}.out.${kind}`,
  offer: (agentId: string) => AgentSubjects.inboundKind(agentId, 'task.offer'),
  cancel: (agentId: string) => AgentSubjects.inboundKind(agentId, 'task.cancel'),
} as const;

/** The agent and the report kind a subject under `sacp.agent.*.out.>` names, or null for anything else. */
export function parseReportSubject(subject: string): { agentId: string; kind: ReportKind } | null {
  const m = /^sacp\.agent\.([^.]+)\.out\.(.+)$/.exec(subject);
  if (!m || !AGENT_ID.test(m[1]!)) return null;
  const kind = m[2] as ReportKind;
  return REPORT_KINDS.includes(kind) ? { agentId: m[1]!, kind } : null;
}

/** The NATS user of an agent's credential. */
export const agentBusUser = (agentId: string) => `agent-${checkAgentId(agentId)}`;
/** The only inbox an agent may read: its client connects with this `inboxPrefix`. */
export const agentInboxPrefix = (agentId: string) => `_INBOX.${agentBusUser(agentId)}`;

/** The environment an agent's container gets (besides SACP_AGENT_ID and SACP_AGENT_NAME). */
export const AgentBusEnv = {
  url: 'SACP_BUS_URL',
  user: 'SACP_BUS_USER',
  password: 'SACP_BUS_PASSWORD',
  agentId: 'SACP_AGENT_ID',
  agentName: 'SACP_AGENT_NAME',
} as const;
