import { z } from 'zod';
import { AgentProtocolLimits as L, jsonByteLength } from './limits';
import type { InboundKind, ReportKind } from './subjects';

/** A JSON object of at most `max` bytes (task inputs, a result). */
const jsonObject = (what: string, max: number) =>
  z.record(z.string(), z.unknown()).refine((v) => jsonByteLength(v) <= max, { message: `${what} is larger than ${max} bytes as JSON` });

const text = (max: number) => z.string().max(max, { message: `at most ${max} characters` });
const nonEmpty = (max: number) => text(max).min(1, { message: 'must not be empty' });

export const TaskIdSchema = z.uuid();
export const AttemptSchema = z.number().int().min(1).max(1000);
export const ReportIdSchema = z.uuid();
export const PrioritySchema = z.enum(['low', 'normal', 'high', 'urgent']);
/** `AREA.REASON`, e.g. PROTOCOL.INVALID, TASK.STALE_ATTEMPT, TASK.NOT_SAME_TEAM */
export const ErrorCodeSchema = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]*\.[A-Z][A-Z0-9_]*$/)
  .max(100);
export const ProtocolErrorSchema = z.object({ code: ErrorCodeSchema, message: text(L.ERROR_MESSAGE_MAX_CHARS).optional() });

// control plane → agent

export const TaskOfferSchema = z.object({
  taskId: TaskIdSchema,
  attempt: AttemptSchema,
  title: nonEmpty(L.TITLE_MAX_CHARS),
  instructions: text(L.INSTRUCTIONS_MAX_CHARS),
  inputs: jsonObject('inputs', L.INPUTS_MAX_BYTES),
  priority: PrioritySchema,
  deadline: z.iso.datetime({ offset: true }).nullable(),
  timeoutMs: z.number().int().min(1).max(L.TIMEOUT_MAX_MS),
});
export const OfferReplySchema = z.union([z.object({ accepted: z.literal(true) }), z.object({ accepted: z.literal(false), reason: nonEmpty(L.REASON_MAX_CHARS) })]);
export const TaskCancelSchema = z.object({ taskId: TaskIdSchema, attempt: AttemptSchema, reason: text(L.REASON_MAX_CHARS) });
/** `{ok: true}`; a cancel that is not valid protocol is answered `{ok: false, error}` */
export const CancelReplySchema = z.union([z.object({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: ProtocolErrorSchema })]);

// agent → control plane

export const HelloSchema = z
  .object({ protocol: z.literal(1), reportId: ReportIdSchema, busy: z.boolean(), taskId: TaskIdSchema.optional(), attempt: AttemptSchema.optional() })
  .refine((h) => (h.taskId === undefined) === (h.attempt === undefined), { message: 'taskId and attempt go together' });
export const ProgressSchema = z.object({
  reportId: ReportIdSchema,
  taskId: TaskIdSchema,
  attempt: AttemptSchema,
  percent: z.number().min(0).max(100).optional(),
  message: text(L.PROGRESS_MESSAGE_MAX_CHARS),
});
export const SucceedSchema = z.object({ reportId: ReportIdSchema, taskId: TaskIdSchema, attempt: AttemptSchema, result: jsonObject('result', L.RESULT_MAX_BYTES) });
export const FailSchema = z.object({ reportId: ReportIdSchema, taskId: TaskIdSchema, attempt: AttemptSchema, reason: nonEmpty(L.REASON_MAX_CHARS) });
export const SubtaskCreateSchema = z
  .object({
    reportId: ReportIdSchema,
    parentTaskId: TaskIdSchema,
    member: nonEmpty(L.NAME_MAX_CHARS).nullable(),
    role: nonEmpty(L.NAME_MAX_CHARS).nullable(),
    title: nonEmpty(L.TITLE_MAX_CHARS),
    instructions: text(L.INSTRUCTIONS_MAX_CHARS),
    inputs: jsonObject('inputs', L.INPUTS_MAX_BYTES),
    priority: PrioritySchema,
  })
  .refine((s) => s.member === null || s.role === null, { message: 'name a member or a role, not both' });

/** The orchestrator's answer to a report: `{ok: true, ...}` (subtask.create adds taskId) or `{ok: false, error}`. */
export const ReportReplySchema = z.union([z.looseObject({ ok: z.literal(true) }), z.object({ ok: z.literal(false), error: ProtocolErrorSchema })]);
export const SubtaskReplySchema = z.union([z.object({ ok: z.literal(true), taskId: TaskIdSchema }), z.object({ ok: z.literal(false), error: ProtocolErrorSchema })]);

export type TaskOffer = z.infer<typeof TaskOfferSchema>;
export type OfferReply = z.infer<typeof OfferReplySchema>;
export type TaskCancel = z.infer<typeof TaskCancelSchema>;
export type CancelReply = z.infer<typeof CancelReplySchema>;
export type Hello = z.infer<typeof HelloSchema>;
export type Progress = z.infer<typeof ProgressSchema>;
export type Succeed = z.infer<typeof SucceedSchema>;
export type Fail = z.infer<typeof FailSchema>;
export type SubtaskCreate = z.infer<typeof SubtaskCreateSchema>;
export type ProtocolError = z.infer<typeof ProtocolErrorSchema>;
export type ReportReply = z.infer<typeof ReportReplySchema>;
export type SubtaskReply = z.infer<typeof SubtaskReplySchema>;

/** The body of each report kind. */
export interface ReportBodies {
  hello: Hello;
  'task.progress': Progress;
  'task.succeed': Succeed;
  'task.fail': Fail;
  'subtask.create': SubtaskCreate;
}
export type AnyReport = { [K in ReportKind]: { kind: K; body: ReportBodies[K] } }[ReportKind];

/** Each report kind's schema (the orchestrator validates with these), and what each inbound request carries. */
export const REPORT_SCHEMAS = {
  hello: HelloSchema,
  'task.progress': ProgressSchema,
  'task.succeed': SucceedSchema,
  'task.fail': FailSchema,
  'subtask.create': SubtaskCreateSchema,
} as const satisfies Record<ReportKind, z.ZodType>;
export const REPORT_REPLY_SCHEMAS = {
  hello: ReportReplySchema,
  'task.progress': ReportReplySchema,
  'task.succeed': ReportReplySchema,
  'task.fail': ReportReplySchema,
  'subtask.create': SubtaskReplySchema,
} as const satisfies Record<ReportKind, z.ZodType>;
export const INBOUND_SCHEMAS = { 'task.offer': TaskOfferSchema, 'task.cancel': TaskCancelSchema } as const satisfies Record<InboundKind, z.ZodType>;
export const INBOUND_REPLY_SCHEMAS = { 'task.offer': OfferReplySchema, 'task.cancel': CancelReplySchema } as const satisfies Record<InboundKind, z.ZodType>;

/** A schema's problems in one line: `path: message; …`. */
export function describeZodError(error: z.ZodError): string {
  return error.issues
    .slice(0, 10)
    .map((i) => `${i.path.length ? i.path.map(String).join('.') : '(root)'}: ${i.message}`)
    .join('; ');
}

/** Names of the exported schemas, which the AsyncAPI document (docs/agent-protocol.asyncapi.yaml) must each describe. */
export const PROTOCOL_SCHEMA_NAMES = [
  'TaskOffer',
  'OfferReply',
  'TaskCancel',
  'CancelReply',
  'Hello',
  'Progress',
  'Succeed',
  'Fail',
  'SubtaskCreate',
  'ReportReply',
  'SubtaskReply',
] as const;

/** The orchestrator's answer to each report kind. */
export interface ReportReplies {
  hello: ReportReply;
  'task.progress': ReportReply;
  'task.succeed': ReportReply;
  'task.fail': ReportReply;
  'subtask.create': SubtaskReply;
}
/** A report's kind and body, as a tuple union: checking `kind` narrows `body` (dependent parameters). */
export type ReportArgs = { [K in ReportKind]: [kind: K, body: ReportBodies[K]] }[ReportKind];
/**
 * What handles the agents' reports in the orchestrator (the body is already validated):
 * `async (agentId, kind, body) => { if (kind === 'task.succeed') body.result … }`.
 * subtask.create is answered `{ok: true, taskId}`; every kind may be answered `{ok: false, error}`.
 */
export type ReportHandler = (...report: { [K in ReportKind]: [agentId: string, kind: K, body: ReportBodies[K]] }[ReportKind]) => Promise<ReportReply | SubtaskReply>;
