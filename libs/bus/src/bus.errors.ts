/** One error class per way the bus can fail, each with a stable code and advice. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  constructor(
    readonly code: 'BUS.UNAVAILABLE' | 'BUS.NO_RESPONDERS' | 'BUS.TIMEOUT' | 'BUS.UNAUTHORIZED' | 'BUS.FORBIDDEN',
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

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
