/** One error class per way the bus can fail, each with a stable code and advice. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  /** what a reply carrying this failure says besides the message, e.g. `{ attempts: 4 }` */
  readonly details?: Record<string, unknown>;
  constructor(
    readonly code: BusErrorCode,
    message: string,
    options?: { cause?: unknown; details?: Record<string, unknown> },
  ) {
    super(message, options);
    if (options?.details) this.details = options.details;
  }
}

export type BusErrorCode = 'BUS.UNAVAILABLE' | 'BUS.NO_RESPONDERS' | 'BUS.TIMEOUT' | 'BUS.UNAUTHORIZED' | 'BUS.FORBIDDEN';

/**
 * The failures waiting can cure: NATS away, nobody answering yet, an answer that came
 * too late. A refused credential or subject is not one of them.
 */
export const TRANSIENT_BUS_CODES: ReadonlySet<string> = new Set<BusErrorCode>(['BUS.UNAVAILABLE', 'BUS.NO_RESPONDERS', 'BUS.TIMEOUT']);

export const isTransientBusError = (err: unknown): err is BusError => err instanceof BusError && TRANSIENT_BUS_CODES.has(err.code);

export const busUnavailable = (url: string, cause?: unknown) =>
  new BusError(
    'BUS.UNAVAILABLE',
    `cannot reach NATS at ${url}${cause ? ` (${(cause as Error).message ?? cause})` : ''}: is nats-server running? Start the control plane with "bash scripts/up.sh", or set NATS_URL`,
    { cause },
  );

/** The server refused the credentials: say which file they came from, never their value. */
export const busUnauthorized = (url: string, credentialsFrom: string, cause?: unknown) =>
  new BusError(
    'BUS.UNAUTHORIZED',
    `NATS at ${url} refused the connection: Authorization Violation: check ${credentialsFrom}; "sacp bus init" writes every service's credentials under the state directory`,
    { cause },
  );

export const isAuthorizationError = (err: unknown): boolean =>
  /authorization violation|authentication/i.test(`${(err as Error)?.message ?? ''} ${(err as { code?: string })?.code ?? ''}`);
