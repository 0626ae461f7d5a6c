import { AGENT_ID, AgentSubjects, agentInboxPrefix } from '@sacp/agent-protocol';
import { ADMIN_QUERIES, EVENT_STREAM, Subjects, MONITOR_QUERIES, SENDER_COMMANDS, type SenderKind, QUERY_TYPES } from '@sacp/events';

/**
 * The kinds of connection the bus knows; a reader is an external tool that only watches
 * events; an agent is one agent container (user `agent-<agentId>`, made by the orchestrator).
 */
export type BusRole = 'orchestrator' | 'monitor' | 'discord-gateway' | 'api' | 'cli' | 'reader' | 'agent';
export const SERVICE_ROLES: readonly Exclude<BusRole, 'reader' | 'agent'>[] = ['orchestrator', 'monitor', 'discord-gateway', 'api', 'cli'];

export interface BusCredential {
  /** also the NATS user name and the last token of the connection's inbox prefix */
  user: string;
  password: string;
  role: BusRole;
  /** readers only: the consumers on SACP_EVENTS this credential owns (default: one named after the user) */
  consumers?: string[];
}

export interface Permissions {
  /** `deny` takes precedence over `allow` (nats-server checks both) */
  publish: { allow: string[]; deny?: string[] };
  subscribe: { allow: string[] };
  /** may answer requests it received (a reply subject it could not otherwise publish to) */
  allowResponses: boolean;
}

export const USER_NAME = /^[a-z0-9][a-z0-9_-]{0,62}$/;

/** Each connection's replies arrive under its own prefix, and it may subscribe to nothing else of the kind. */
export const inboxPrefix = (user: string) => `_INBOX.${user}`;

/** The actor kind each front door or service claims on the command subjects. */
const ROLE_KIND: Partial<Record<BusRole, SenderKind>> = { monitor: 'system', 'discord-gateway': 'discord', api: 'api', cli: 'cli' };

const commandSubjects = (kind: SenderKind) => SENDER_COMMANDS[kind].map((t) => Subjects.command(t, kind));

const JS = (op: string, rest = '>') => `$JS.API.${op}.${EVENT_STREAM}${rest ? `.${rest}` : ''}`;
/** What a service needs to keep its own consumers on the event stream (and create the stream when it starts first). */
const serviceConsumerApi = [
  '$JS.API.INFO',
  JS('STREAM.INFO', ''),
  JS('STREAM.CREATE', ''),
  JS('CONSUMER.CREATE', ''),
  ...['CONSUMER.CREATE', 'CONSUMER.DURABLE.CREATE', 'CONSUMER.INFO', 'CONSUMER.MSG.NEXT', 'CONSUMER.DELETE'].map((op) => JS(op)),
  `$JS.ACK.${EVENT_STREAM}.>`,
];
/** A reader touches only consumers it is named for, so it can neither steal nor ack another's (e.g. the bot's alerts). */
const readerConsumerApi = (names: string[]) => [
  '$JS.API.INFO',
  JS('STREAM.INFO', ''),
  ...names.flatMap((c) => [
    JS('CONSUMER.CREATE', c),
    JS('CONSUMER.CREATE', `${c}.>`),
    JS('CONSUMER.DURABLE.CREATE', c),
    JS('CONSUMER.INFO', c),
    JS('CONSUMER.MSG.NEXT', c),
    JS('CONSUMER.DELETE', c),
    `$JS.ACK.${EVENT_STREAM}.${c}.>`,
  ]),
];
const orchestratorQueries = QUERY_TYPES.map((t) => Subjects.query(t));
const frontDoorLogControl = ['sacp.logs.*.*.stop', 'sacp.logs.*.*.alive'];

/**
 * The services that answer requests (the orchestrator, the monitor) may publish into any
 * inbox. allow_responses alone is not enough: nats-server forgets the replies a
 * connection owes when it reloads its config, and it reloads whenever an agent's
 * credential is added or removed, so an answer sent at that moment would be refused.
 * Publishing into an inbox reads nothing: replies stay private (nobody may subscribe to
 * another's inbox), and these services already answer every request sent to them.
 */
const ANSWERS = '_INBOX.>';

/** A subject nobody uses: what a malformed credential may touch (an empty allow list would mean "anything"). */
const NOTHING = '_SACP.NOTHING';

/** The least each credential needs; anything else the server refuses with "Permissions Violation". */
export function permissionsFor(c: BusCredential): Permissions {
  const inbox = `${inboxPrefix(c.user)}.>`;
  switch (c.role) {
    case 'orchestrator':
      return {
        // agent protocol v1: it offers and cancels tasks (sacp.agent.*.in.>) and answers the agents' reports (sacp.agent.*.out.>)
        publish: { allow: [Subjects.eventWildcard, Subjects.logsWildcard, 'sacp.internal.>', '$JS.API.>', AgentSubjects.allInbound, ANSWERS] },
        subscribe: { allow: [Subjects.commandWildcard, ...orchestratorQueries, Subjects.logsWildcard, 'sacp.internal.>', AgentSubjects.allOutbound, inbox] },
        allowResponses: true,
      };
    case 'monitor':
      return {
        publish: { allow: [...commandSubjects('system'), Subjects.metricsWildcard, Subjects.agentLogsWildcard, ...serviceConsumerApi, ANSWERS] },
        subscribe: { allow: [Subjects.metricsWildcard, ...MONITOR_QUERIES.map(Subjects.query), Subjects.eventWildcard, inbox] },
        allowResponses: true,
      };
    case 'discord-gateway':
    case 'api':
    case 'cli': {
      const kind = ROLE_KIND[c.role]!;
      return {
        publish: {
          allow: [...commandSubjects(kind), Subjects.queryWildcard, ...frontDoorLogControl, ...(c.role === 'cli' ? [] : serviceConsumerApi)],
          ...(c.role === 'discord-gateway' ? { deny: ADMIN_QUERIES.map((q) => Subjects.query(q)) } : {}),
        },
        // the api forwards the monitor's resource samples to its live WebSocket clients; every front door may tail the collected logs
        subscribe: { allow: [Subjects.logsWildcard, Subjects.agentLogsWildcard, Subjects.eventWildcard, ...(c.role === 'api' ? [Subjects.metricsWildcard] : []), inbox] },
        allowResponses: false,
      };
    }
    case 'agent': {
      // only its own subjects and its own inbox; answering the control plane's offers needs allow_responses
      const agentId = c.user.slice('agent-'.length);
      if (!c.user.startsWith('agent-') || !AGENT_ID.test(agentId)) return { publish: { allow: [NOTHING] }, subscribe: { allow: [NOTHING] }, allowResponses: false };
      return {
        publish: { allow: [AgentSubjects.outbound(agentId)] },
        subscribe: { allow: [AgentSubjects.inbound(agentId), `${agentInboxPrefix(agentId)}.>`] },
        allowResponses: true,
      };
    }
    case 'reader':
      return {
        publish: { allow: readerConsumerApi(c.consumers?.length ? c.consumers : [c.user]) },
        subscribe: { allow: [Subjects.eventWildcard, inbox] },
        allowResponses: false,
      };
  }
}
