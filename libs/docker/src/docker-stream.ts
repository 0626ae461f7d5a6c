import type { DockerApi, DockerOperation } from './docker-api';

/**
 * Reads one of Docker's streaming responses (logs, events) chunk by chunk. The stream
 * is destroyed when the consumer stops early or the signal aborts; an abort ends the
 * iteration quietly, any other failure is a typed DockerError.
 */
export async function* readDockerStream<T>(
  docker: DockerApi,
  open: () => Promise<NodeJS.ReadableStream>,
  signal: AbortSignal,
  decode: (chunk: Buffer) => T[],
  flush: () => T[],
  context: DockerOperation,
): AsyncGenerator<T, void, undefined> {
  let stream: NodeJS.ReadableStream & { destroy?: (error?: Error) => void };
  try {
    stream = await open();
  } catch (error) {
    if (signal.aborted) return;
    throw docker.fail(error, context);
  }
  const onAbort = () => stream.destroy?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for await (const chunk of stream) {
      if (signal.aborted) return;
      yield* decode(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk));
    }
    if (!signal.aborted) yield* flush();
  } catch (error) {
    if (signal.aborted) return;
    throw docker.fail(error, context);
  } finally {
    signal.removeEventListener('abort', onAbort);
    stream.destroy?.();
  }
}
