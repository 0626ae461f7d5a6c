import { ErrorCodes, type WireError } from '@sacp/events';
import { ApiError } from './api-error';

/**
 * The one place where a stable error code (from the bus or from the orchestrator's
 * reply) becomes an HTTP status. Body: `{ code, message, details? }` (ApiErrorBody).
 */
const STATUS: Record<string, number> = {
  [ErrorCodes.COMMAND_MALFORMED]: 400,
  [ErrorCodes.COMMAND_UNKNOWN]: 400,
  [ErrorCodes.AGENT_NAME_INVALID]: 400,
  [ErrorCodes.TEMPLATE_INVALID]: 400,
  [ErrorCodes.POLICY_VIOLATION]: 400,
  [ErrorCodes.SECRET_NOT_GRANTED]: 403,
  [ErrorCodes.AGENT_NOT_FOUND]: 404,
  [ErrorCodes.CONTAINER_NOT_FOUND]: 404,
  [ErrorCodes.TEMPLATE_NOT_FOUND]: 404,
  [ErrorCodes.SECRET_NOT_FOUND]: 404,
  [ErrorCodes.USER_NOT_FOUND]: 404,
  [ErrorCodes.TOKEN_NOT_FOUND]: 404,
  [ErrorCodes.COMMAND_NOT_FOUND]: 404,
  [ErrorCodes.ALERT_NOT_FOUND]: 404,
  [ErrorCodes.ALERT_RESOLVED]: 409,
  [ErrorCodes.TOKEN_INVALID]: 400,
  [ErrorCodes.USER_NAME_INVALID]: 400,
  [ErrorCodes.USER_NAME_IN_USE]: 409,
  [ErrorCodes.USER_LAST_ADMIN]: 409,
  [ErrorCodes.TOKEN_NAME_IN_USE]: 409,
  [ErrorCodes.TOKEN_REVOKED]: 409,
  [ErrorCodes.COMMAND_ID_RESERVED]: 403,
  [ErrorCodes.COMMAND_ID_REUSED]: 409,
  [ErrorCodes.AGENT_NAME_IN_USE]: 409,
  [ErrorCodes.AGENT_REMOVED]: 409,
  [ErrorCodes.AGENT_CONFLICT]: 409,
  [ErrorCodes.CONTAINER_ALREADY_MANAGED]: 409,
  [ErrorCodes.CONTAINER_OF_CONTROL_PLANE]: 409,
  [ErrorCodes.CONTAINER_OF_OTHER_CONTROL_PLANE]: 409,
  [ErrorCodes.CONTAINER_NOT_QUARANTINED]: 409,
  [ErrorCodes.VOLUME_NOT_FOUND]: 404,
  [ErrorCodes.VOLUME_NOT_ORPHANED]: 409,
  [ErrorCodes.VOLUME_NOT_OURS]: 409,
  [ErrorCodes.VOLUME_IN_USE]: 409,
  [ErrorCodes.STORE_CONFLICT]: 409,
  [ErrorCodes.BUS_UNAVAILABLE]: 503,
  [ErrorCodes.BUS_NO_RESPONDERS]: 503,
  [ErrorCodes.DOCKER_UNAVAILABLE]: 503,
  [ErrorCodes.STORE_UNAVAILABLE]: 503,
  [ErrorCodes.BUS_TIMEOUT]: 504,
  [ErrorCodes.COMMAND_TOO_LARGE]: 413,
  [ErrorCodes.QUERY_TOO_LARGE]: 413,
  [ErrorCodes.QUERY_CURSOR_INVALID]: 400,
  [ErrorCodes.TEAM_NOT_FOUND]: 404,
  [ErrorCodes.TEAM_EXISTS]: 409,
  [ErrorCodes.TEAM_INVALID]: 400,
  [ErrorCodes.TEAM_QUOTA_EXCEEDED]: 409,
  [ErrorCodes.TEAM_NOT_EMPTY]: 409,
  [ErrorCodes.TEAM_MEMBERSHIP]: 409,
  [ErrorCodes.TASK_NOT_FOUND]: 404,
  [ErrorCodes.TASK_EXISTS]: 409,
  [ErrorCodes.TASK_QUEUE_FULL]: 429,
  [ErrorCodes.TASK_STALE_ATTEMPT]: 409,
  [ErrorCodes.TASK_NOT_SAME_TEAM]: 403,
  [ErrorCodes.TASK_FINISHED]: 409,
};

export const httpStatusOf = (code: string): number => STATUS[code] ?? 500;

export const toHttpException = (error: WireError): ApiError => new ApiError(httpStatusOf(error.code), error.code, error.message, error.details);
