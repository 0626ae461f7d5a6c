import { HttpException } from '@nestjs/common';

/** The one error body of the API, on every endpoint and every status. */
export interface ApiErrorBody {
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

/** An error the API answers itself (not one the orchestrator gave): status, a stable code and a message saying what to do. */
export class ApiError extends HttpException {
  constructor(status: number, code: string, message: string, details?: Record<string, unknown>) {
    super({ code, message, ...(details ? { details } : {}) } satisfies ApiErrorBody, status);
  }
}

/** Codes the API itself answers with (the domain's own codes come from libs/events ErrorCodes). */
export const ApiCodes = {
  AUTH_REQUIRED: 'AUTH.REQUIRED',
  AUTH_FAILED: 'AUTH.FAILED',
  ROLE_FORBIDDEN: 'AUTH.ROLE_FORBIDDEN',
  CSRF_INVALID: 'AUTH.CSRF_INVALID',
  RATE_LIMITED: 'REQUEST.RATE_LIMITED',
  REQUEST_INVALID: 'REQUEST.INVALID',
  REQUEST_MALFORMED: 'REQUEST.MALFORMED',
  REQUEST_TOO_LARGE: 'REQUEST.TOO_LARGE',
  NOT_FOUND: 'REQUEST.NOT_FOUND',
  INTERNAL: 'INTERNAL',
} as const;
