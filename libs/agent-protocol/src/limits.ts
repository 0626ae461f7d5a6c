/** Size limits of agent protocol v1; a message over one is refused with a message that names it. */
export const AgentProtocolLimits = {
  /** a task's title (characters) */
  TITLE_MAX_CHARS: 200,
  /** a task's instructions (characters) */
  INSTRUCTIONS_MAX_CHARS: 20_000,
  /** a task's inputs, as JSON (bytes) */
  INPUTS_MAX_BYTES: 64 * 1024,
  /** a task's result, as JSON (bytes) */
  RESULT_MAX_BYTES: 64 * 1024,
  /** a progress message (characters) */
  PROGRESS_MESSAGE_MAX_CHARS: 2_000,
  /** why an agent refused, failed or was cancelled (characters) */
  REASON_MAX_CHARS: 2_000,
  /** a team member's name or a role (characters) */
  NAME_MAX_CHARS: 100,
  /** an error's code and message in a reply (characters) */
  ERROR_MESSAGE_MAX_CHARS: 2_000,
  /** any whole message on an agent subject, as JSON (bytes); the client and the orchestrator refuse larger ones unread */
  MESSAGE_MAX_BYTES: 200 * 1024,
  /** a task's timeout (ms): at most a week */
  TIMEOUT_MAX_MS: 7 * 24 * 3600 * 1000,
} as const;
export type AgentProtocolLimitName = keyof typeof AgentProtocolLimits;

const encoder = new TextEncoder();
/** Bytes of a value's JSON form. */
export const jsonByteLength = (value: unknown): number => encoder.encode(JSON.stringify(value) ?? '').length;
