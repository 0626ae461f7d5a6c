/**
 * Typed failures of the Docker driver. Each has a stable `code` that callers (the
 * orchestrator, the monitor, transports) switch on, and a message that tells an
 * operator what to do. The original error is kept as `cause`.
 */
export type DockerErrorCode =
  | 'DOCKER.UNAVAILABLE'
  | 'DOCKER.PERMISSION_DENIED'
  | 'DOCKER.INVALID_HOST'
  | 'DOCKER.INVALID_SPEC'
  | 'DOCKER.IMAGE_NOT_FOUND'
  | 'DOCKER.CONTAINER_NOT_FOUND'
  | 'DOCKER.OPERATION_FAILED';

export abstract class DockerError extends Error {
  abstract readonly code: DockerErrorCode;
  /** what the driver was doing, e.g. "create container", "start container" */
  readonly operation: string | undefined;

  constructor(message: string, options: { cause?: unknown; operation?: string } = {}) {
    super(message, { cause: options.cause });
    this.operation = options.operation;
  }
}

/** The engine cannot be reached: socket missing, connection refused, host unknown. */
export class DockerUnavailableError extends DockerError {
  override readonly name = 'DockerUnavailableError';
  readonly code = 'DOCKER.UNAVAILABLE';
  readonly endpoint: string;

  constructor(endpoint: string, options: { cause?: unknown; operation?: string } = {}) {
    super(`cannot reach the Docker engine at ${endpoint}: is dockerd running? start it, or set DOCKER_HOST`, options);
    this.endpoint = endpoint;
  }
}

export class DockerPermissionDeniedError extends DockerError {
  override readonly name = 'DockerPermissionDeniedError';
  readonly code = 'DOCKER.PERMISSION_DENIED';
  readonly endpoint: string;

  constructor(endpoint: string, options: { cause?: unknown; operation?: string } = {}) {
    super(`permission denied on the Docker engine socket at ${endpoint}: add the user to the docker group or run as root`, options);
    this.endpoint = endpoint;
  }
}

/** A DOCKER_HOST-style value the driver does not understand. */
export class DockerInvalidHostError extends DockerError {
  override readonly name = 'DockerInvalidHostError';
  readonly code = 'DOCKER.INVALID_HOST';

  constructor(value: string, reason: string) {
    super(`invalid Docker host "${value}": ${reason}; use unix:///path/to/docker.sock or tcp://host:port, or leave DOCKER_HOST unset for unix:///var/run/docker.sock`);
  }
}

/** A container spec that cannot be expressed to Docker faithfully. */
export class DockerInvalidSpecError extends DockerError {
  override readonly name = 'DockerInvalidSpecError';
  readonly code = 'DOCKER.INVALID_SPEC';

  constructor(containerName: string, reason: string) {
    super(`container spec "${containerName}" cannot be sent to Docker: ${reason}`, { operation: 'create container' });
  }
}

export class DockerImageNotFoundError extends DockerError {
  override readonly name = 'DockerImageNotFoundError';
  readonly code = 'DOCKER.IMAGE_NOT_FOUND';
  readonly image: string;

  constructor(image: string, options: { cause?: unknown; operation?: string } = {}) {
    super(`image ${image} is not present in the local Docker engine: images are built locally, not pulled (there is no registry); run \`bash scripts/build-images.sh\``, options);
    this.image = image;
  }
}

export class DockerContainerNotFoundError extends DockerError {
  override readonly name = 'DockerContainerNotFoundError';
  readonly code = 'DOCKER.CONTAINER_NOT_FOUND';
  readonly container: string;

  constructor(container: string, options: { cause?: unknown; operation?: string } = {}) {
    super(`container ${container} does not exist (${options.operation ?? 'docker operation'})`, options);
    this.container = container;
  }
}

/** Anything else Docker refused; carries Docker's own message and HTTP status. */
export class DockerOperationFailedError extends DockerError {
  override readonly name = 'DockerOperationFailedError';
  readonly code = 'DOCKER.OPERATION_FAILED';
  readonly target: string | undefined;
  readonly statusCode: number | undefined;

  constructor(operation: string, target: string | undefined, detail: string, options: { cause?: unknown; statusCode?: number } = {}) {
    super(`docker ${operation}${target ? ` ${target}` : ''} failed: ${detail}`, { cause: options.cause, operation });
    this.target = target;
    this.statusCode = options.statusCode;
  }
}

export function isDockerError(value: unknown): value is DockerError {
  return value instanceof DockerError;
}
