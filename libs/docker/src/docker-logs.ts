import type Docker from 'dockerode';
import type { DockerApi } from './docker-api';
import { LogLineDecoder, type LogLine } from './docker-log-lines';
import { toDockerSince } from './docker-since';
import { readDockerStream } from './docker-stream';

export interface FollowLogsOptions {
  /** only entries at or after this time: a Date, or nanoseconds since the epoch as a decimal string (to resume exactly) */
  since?: Date | string;
  /** start with the last N existing lines (default: all) */
  tail?: number;
  signal: AbortSignal;
}

type Dial = (options: unknown, callback: (err: unknown, stream: NodeJS.ReadableStream) => void) => void;

/** A container's log: the last lines at once, existing lines as a stream, or live lines. */
export class DockerLogs {
  constructor(private readonly docker: DockerApi) {}

  async tail(id: string, lines: number): Promise<LogLine[]> {
    const tty = await this.docker.hasTty(id, 'read logs of');
    let body: Buffer;
    try {
      const data: unknown = await this.docker.api.getContainer(id).logs({ stdout: true, stderr: true, timestamps: true, follow: false, tail: Math.max(0, Math.floor(lines)) });
      body = Buffer.isBuffer(data) ? data : Buffer.from(typeof data === 'string' ? data : JSON.stringify(data));
    } catch (error) {
      throw this.docker.fail(error, { operation: 'read logs of container', target: id });
    }
    const decoder = new LogLineDecoder(tty);
    return [...decoder.push(body), ...decoder.end()];
  }

  async *follow(id: string, options: FollowLogsOptions): AsyncGenerator<LogLine, void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    const tty = await this.docker.hasTty(id, 'follow logs of');
    const query: Docker.ContainerLogsOptions & { follow: true } = {
      follow: true,
      stdout: true,
      stderr: true,
      timestamps: true,
      abortSignal: signal,
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
    };
    if (options.since) (query as { since?: string }).since = toDockerSince(options.since);

    const decoder = new LogLineDecoder(tty);
    yield* readDockerStream(
      this.docker,
      () => this.docker.api.getContainer(id).logs(query),
      signal,
      (chunk) => decoder.push(chunk),
      () => decoder.end(),
      { operation: 'follow logs of container', target: id },
    );
  }

  async *read(id: string, options: { tail?: number; sinceNanos?: string; signal: AbortSignal }): AsyncGenerator<LogLine, void, undefined> {
    const { signal } = options;
    if (signal.aborted) return;
    const tty = await this.docker.hasTty(id, 'read logs of');
    const query: Record<string, unknown> = { follow: false, stdout: true, stderr: true, timestamps: true };
    if (options.tail !== undefined) query.tail = Math.max(0, Math.floor(options.tail));
    if (options.sinceNanos) query.since = toDockerSince(options.sinceNanos);
    const modem = (this.docker.api as unknown as { modem: { dial: Dial } }).modem;
    const decoder = new LogLineDecoder(tty);
    yield* readDockerStream(
      this.docker,
      () =>
        new Promise<NodeJS.ReadableStream>((resolve, reject) =>
          modem.dial(
            {
              path: `/containers/${id}/logs?`,
              method: 'GET',
              abortSignal: signal,
              isStream: true, // dockerode buffers the whole body when follow is false; this streams it
              statusCodes: { 200: true, 404: 'no such container', 500: 'server error' },
              options: query,
            },
            (err, stream) => (err ? reject(err instanceof Error ? err : new Error('docker logs request failed', { cause: err })) : resolve(stream)),
          ),
        ),
      signal,
      (chunk) => decoder.push(chunk),
      () => decoder.end(),
      { operation: 'read logs of container', target: id },
    );
  }
}
