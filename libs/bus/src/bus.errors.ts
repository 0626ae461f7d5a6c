/** One error class per way the bus can fail, each with a stable code and advice. */
export class BusError extends Error {
  override readonly name: string = 'BusError';
  constructor(
    readonly code: 'BUS.UNAVAILABLE' | 'BUS.NO_RESPONDERS' | 'BUS.TIMEOUT',
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
