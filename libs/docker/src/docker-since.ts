/**
 * Docker's `since` query parameter: a Unix time in seconds with an optional
 * fraction. Accepts a Date, or a DockerEvent.timeNano string (to resume an event
 * stream exactly where it stopped).
 */
export function toDockerSince(value: Date | string): string {
  if (value instanceof Date) {
    const ms = value.getTime();
    if (Number.isNaN(ms)) throw new RangeError('since: invalid Date');
    return (ms / 1000).toFixed(3);
  }
  if (!/^\d{10,}$/.test(value)) throw new RangeError(`since: expected a Date or nanoseconds since the epoch, got "${value}"`);
  return `${value.slice(0, -9)}.${value.slice(-9)}`;
}
