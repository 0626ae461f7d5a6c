import { ArgumentsHost, Catch, HttpException, type ExceptionFilter } from '@nestjs/common';
import { ThrottlerException } from '@nestjs/throttler';
import type { JsonLogger } from '@sacp/platform';
import { ApiCodes, type ApiErrorBody } from './api-error';

type Res = { headersSent: boolean; status(code: number): { json(body: unknown): void } };
type Req = { method?: string; originalUrl?: string };

const isBody = (b: unknown): b is ApiErrorBody => typeof b === 'object' && b !== null && typeof (b as ApiErrorBody).code === 'string';

/** Errors Express's body parser raises, by their `type`. */
const PARSER_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.too.large': { status: 413, code: ApiCodes.REQUEST_TOO_LARGE, message: 'the request body is over the limit; send less' },
  'entity.parse.failed': { status: 400, code: ApiCodes.REQUEST_MALFORMED, message: 'the request body is not valid JSON' },
  'encoding.unsupported': { status: 415, code: ApiCodes.REQUEST_MALFORMED, message: 'the request body has an unsupported encoding; send UTF-8 JSON' },
  'charset.unsupported': { status: 415, code: ApiCodes.REQUEST_MALFORMED, message: 'the request body has an unsupported charset; send UTF-8 JSON' },
};

/** Nest's own HTTP errors (no route, wrong method, ...) in the API's body. */
function fromHttpException(e: HttpException): { status: number; body: ApiErrorBody } {
  const status = e.getStatus();
  const raw = e.getResponse();
  if (isBody(raw)) return { status, body: raw };
  if (e instanceof ThrottlerException) return { status: 429, body: { code: ApiCodes.RATE_LIMITED, message: 'too many requests; wait a minute and try again' } };
  const message = typeof raw === 'string' ? raw : typeof (raw as { message?: unknown }).message === 'string' ? (raw as { message: string }).message : e.message;
  const code = status === 404 ? ApiCodes.NOT_FOUND : status === 429 ? ApiCodes.RATE_LIMITED : status >= 500 ? ApiCodes.INTERNAL : ApiCodes.REQUEST_INVALID;
  return { status, body: { code, message } };
}

/**
 * Every error leaves the API as `{ code, message, details? }` with its status. An
 * unexpected error is logged with the request and answered 500 without its text, which
 * could hold internals.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  constructor(private readonly log: JsonLogger) {}

  catch(err: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse<Res>();
    const req = http.getRequest<Req>();
    let out: { status: number; body: ApiErrorBody };
    // Nest hands body-parser's errors on as HttpExceptions with the original as their cause
    const cause = (err instanceof HttpException ? err.cause : err) as { type?: unknown } | undefined;
    const parser = typeof cause?.type === 'string' ? PARSER_ERRORS[cause.type] : undefined;
    if (parser) out = { status: parser.status, body: { code: parser.code, message: parser.message } };
    else if (err instanceof HttpException) out = fromHttpException(err);
    else {
      this.log.error('request failed', { method: req.method, url: req.originalUrl, error: (err as Error).message, stack: (err as Error).stack });
      out = { status: 500, body: { code: ApiCodes.INTERNAL, message: 'the API failed to answer; the error is in its log' } };
    }
    if (res.headersSent) return;
    res.status(out.status).json(out.body);
  }
}
