import {
  DockerContainerNotFoundError,
  DockerError,
  DockerImageNotFoundError,
  DockerOperationFailedError,
  DockerPermissionDeniedError,
  DockerUnavailableError,
} from './docker.errors';

/**
 * The one place where errors thrown by dockerode / docker-modem (Node socket errors,
 * or Errors carrying `statusCode` and Docker's JSON `{ message }`) become typed
 * DockerErrors.
 */
export interface DockerErrorContext {
  endpoint: string;
  operation: string;
  /** container, network or volume the operation was about */
  target?: string;
  /** image the operation needed; a 404 "No such image" names it */
  image?: string;
}

const UNREACHABLE = new Set(['ENOENT', 'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ETIMEDOUT', 'ECONNRESET', 'EPIPE']);
const FORBIDDEN = new Set(['EACCES', 'EPERM']);

/** HTTP status Docker answered with, or undefined for transport-level errors. */
export function dockerStatusCode(error: unknown): number | undefined {
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** Docker's own explanation, without docker-modem's "(HTTP code 404) ..." wrapper. */
export function dockerMessage(error: unknown): string {
  const json = (error as { json?: unknown } | null)?.json;
  if (json && typeof json === 'object' && typeof (json as { message?: unknown }).message === 'string') {
    return (json as { message: string }).message;
  }
  if (Buffer.isBuffer(json) && json.length > 0) return json.toString('utf8').trim();
  if (error instanceof Error) return error.message.trim();
  return String(error);
}

export function isNoSuchImage(error: unknown): boolean {
  return dockerStatusCode(error) === 404 && /no such image/i.test(dockerMessage(error));
}

export function toDockerError(error: unknown, context: DockerErrorContext): DockerError {
  if (error instanceof DockerError) return error;
  const options = { cause: error, operation: context.operation };

  const errno = (error as { code?: unknown } | null)?.code;
  if (typeof errno === 'string' && dockerStatusCode(error) === undefined) {
    if (UNREACHABLE.has(errno)) return new DockerUnavailableError(context.endpoint, options);
    if (FORBIDDEN.has(errno)) return new DockerPermissionDeniedError(context.endpoint, options);
  }

  const status = dockerStatusCode(error);
  if (status === 404 && isNoSuchImage(error)) {
    return new DockerImageNotFoundError(context.image ?? imageFromMessage(dockerMessage(error)), options);
  }
  if (status === 404 && context.target && /no such container/i.test(dockerMessage(error))) {
    return new DockerContainerNotFoundError(context.target, options);
  }
  return new DockerOperationFailedError(context.operation, context.target, describe(error), {
    cause: error,
    statusCode: status,
  });
}

function describe(error: unknown): string {
  const status = dockerStatusCode(error);
  const message = dockerMessage(error);
  return status === undefined ? message : `${message} (HTTP ${status})`;
}

function imageFromMessage(message: string): string {
  return /no such image:\s*(\S+)/i.exec(message)?.[1] ?? 'unknown image';
}
