/**
 * Stable error codes that cross the wire. Each transport (NATS reply, HTTP, Discord,
 * CLI) maps them to its own form in one place.
 */
export const ErrorCodes = {
  COMMAND_MALFORMED: 'COMMAND.MALFORMED',
  COMMAND_UNKNOWN: 'COMMAND.UNKNOWN',
  /** the command envelope is over Limits.COMMAND_MAX_BYTES */
  COMMAND_TOO_LARGE: 'COMMAND.TOO_LARGE',
  /** a query body is over Limits.QUERY_MAX_BYTES */
  QUERY_TOO_LARGE: 'QUERY.TOO_LARGE',
  /** a page cursor that is not one this control plane handed out, or no longer applies */
  QUERY_CURSOR_INVALID: 'QUERY.CURSOR_INVALID',
  /** the reply would be over Limits.REPLY_MAX_BYTES */
  REPLY_TOO_LARGE: 'REPLY.TOO_LARGE',
  /** an event's data or metadata is over its limit */
  EVENT_TOO_LARGE: 'EVENT.TOO_LARGE',
  /** the command id was used before by another command (type, payload or sender kind) */
  COMMAND_ID_REUSED: 'COMMAND.ID_REUSED',
  /** the command id has a prefix only the control plane itself may use */
  COMMAND_ID_RESERVED: 'COMMAND.ID_RESERVED',
  /** no command with this id was received */
  COMMAND_NOT_FOUND: 'COMMAND.NOT_FOUND',
  AGENT_NOT_FOUND: 'AGENT.NOT_FOUND',
  AGENT_NAME_IN_USE: 'AGENT.NAME_IN_USE',
  AGENT_NAME_INVALID: 'AGENT.NAME_INVALID',
  AGENT_REMOVED: 'AGENT.REMOVED',
  AGENT_CONFLICT: 'AGENT.CONFLICT',
  CONTAINER_NOT_FOUND: 'CONTAINER.NOT_FOUND',
  CONTAINER_ALREADY_MANAGED: 'CONTAINER.ALREADY_MANAGED',
  /** adopt refused: the container is part of the control plane itself */
  CONTAINER_OF_CONTROL_PLANE: 'CONTAINER.OF_CONTROL_PLANE',
  /** adopt refused: the container belongs to another control plane (another instance or another event store) */
  CONTAINER_OF_OTHER_CONTROL_PLANE: 'CONTAINER.OF_OTHER_CONTROL_PLANE',
  /** the container is not (or no longer) quarantined */
  CONTAINER_NOT_QUARANTINED: 'CONTAINER.NOT_QUARANTINED',
  /** no volume of this control plane has that name */
  VOLUME_NOT_FOUND: 'VOLUME.NOT_FOUND',
  /** the volume's agent still exists: it is removed with the agent (`rm --volumes`), not alone */
  VOLUME_NOT_ORPHANED: 'VOLUME.NOT_ORPHANED',
  /** the volume belongs to another control plane (another instance or event store), or to none */
  VOLUME_NOT_OURS: 'VOLUME.NOT_OURS',
  /** a container still uses the volume */
  VOLUME_IN_USE: 'VOLUME.IN_USE',
  TEMPLATE_NOT_FOUND: 'TEMPLATE.NOT_FOUND',
  TEMPLATE_INVALID: 'TEMPLATE.INVALID',
  POLICY_VIOLATION: 'POLICY.VIOLATION',
  SECRET_NOT_FOUND: 'SECRET.NOT_FOUND',
  SECRET_NOT_GRANTED: 'SECRET.NOT_GRANTED',
  USER_NOT_FOUND: 'USER.NOT_FOUND',
  USER_NAME_IN_USE: 'USER.NAME_IN_USE',
  USER_NAME_INVALID: 'USER.NAME_INVALID',
  /** the last admin cannot be removed or given another role */
  USER_LAST_ADMIN: 'USER.LAST_ADMIN',
  TOKEN_NOT_FOUND: 'TOKEN.NOT_FOUND',
  TOKEN_NAME_IN_USE: 'TOKEN.NAME_IN_USE',
  /** the token was revoked already */
  TOKEN_REVOKED: 'TOKEN.REVOKED',
  /** an expiry not in the future, or a role above its user's */
  TOKEN_INVALID: 'TOKEN.INVALID',
  /** no alert with this key (or id) was raised */
  ALERT_NOT_FOUND: 'ALERT.NOT_FOUND',
  /** the alert is resolved already: only an open alert can be acknowledged */
  ALERT_RESOLVED: 'ALERT.RESOLVED',
  TEAM_NOT_FOUND: 'TEAM.NOT_FOUND',
  /** a team of this name exists already */
  TEAM_EXISTS: 'TEAM.EXISTS',
  /** a team configuration that does not validate; every problem names its field */
  TEAM_INVALID: 'TEAM.INVALID',
  /** the members' limits would exceed the team's quota; the details give used, asked and quota per resource */
  TEAM_QUOTA_EXCEEDED: 'TEAM.QUOTA_EXCEEDED',
  /** a team with members cannot be deleted */
  TEAM_NOT_EMPTY: 'TEAM.NOT_EMPTY',
  /** the agent is in another team, or not in this one */
  TEAM_MEMBERSHIP: 'TEAM.MEMBERSHIP',
  TASK_NOT_FOUND: 'TASK.NOT_FOUND',
  /** a report about an attempt that is not the agent's current one: the agent drops that work */
  TASK_STALE_ATTEMPT: 'TASK.STALE_ATTEMPT',
  /** a manager's subtask for an agent or team that is not its own team */
  TASK_NOT_SAME_TEAM: 'TASK.NOT_SAME_TEAM',
  /** the task is finished (succeeded, failed or cancelled) and cannot change */
  TASK_FINISHED: 'TASK.FINISHED',
  /** a task id given twice for different tasks */
  TASK_EXISTS: 'TASK.EXISTS',
  /** the agent or team has Limits.TASK_OPEN_MAX open tasks already */
  TASK_QUEUE_FULL: 'TASK.QUEUE_FULL',
  DOCKER_UNAVAILABLE: 'DOCKER.UNAVAILABLE',
  DOCKER_PERMISSION_DENIED: 'DOCKER.PERMISSION_DENIED',
  DOCKER_IMAGE_NOT_FOUND: 'DOCKER.IMAGE_NOT_FOUND',
  DOCKER_OPERATION_FAILED: 'DOCKER.OPERATION_FAILED',
  STORE_UNAVAILABLE: 'STORE.UNAVAILABLE',
  STORE_CONFLICT: 'STORE.CONFLICT',
  BUS_UNAVAILABLE: 'BUS.UNAVAILABLE',
  BUS_NO_RESPONDERS: 'BUS.NO_RESPONDERS',
  BUS_TIMEOUT: 'BUS.TIMEOUT',
  ACCESS_DENIED: 'ACCESS.DENIED',
  INTERNAL: 'INTERNAL',
} as const;
export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];

export interface WireError {
  code: ErrorCode | (string & Record<never, never>); // a known code, or one from a newer peer (the intersection keeps the known ones visible to the editor)
  message: string;
  details?: Record<string, unknown>;
}
