import type Docker from 'dockerode';
import type { DockerApi } from './docker-api';
import { DockerEventDecoder, type DockerEvent } from './docker-event';
import { toDockerSince } from './docker-since';
import { readDockerStream } from './docker-stream';

export interface DockerEventsOptions {
  /** Docker event filters, e.g. { type: ['container'], label: ['sacp.managed=true'] } */
  filters?: Record<string, string[]>;
  /** replay from a time, or from a DockerEvent.timeNano to resume */
  since?: Date | string;
  signal: AbortSignal;
}

/** Docker's event stream, parsed. */
export async function* readDockerEvents(docker: DockerApi, options: DockerEventsOptions): AsyncGenerator<DockerEvent, void, undefined> {
  const { signal } = options;
  if (signal.aborted) return;
  const query: Record<string, unknown> = { abortSignal: signal };
  if (options.filters) query.filters = options.filters;
  if (options.since !== undefined) query.since = toDockerSince(options.since);

  const decoder = new DockerEventDecoder();
  yield* readDockerStream(
    docker,
    () => docker.api.getEvents(query as Docker.GetEventsOptions),
    signal,
    (chunk) => decoder.push(chunk),
    () => [],
    { operation: 'read events' },
  );
}
