import Docker from 'dockerode';
import { toDockerError } from './docker-error.map';
import { DockerInvalidHostError } from './docker.errors';

export const DEFAULT_DOCKER_HOST = 'unix:///var/run/docker.sock';

/** A dockerode client plus the endpoint it talks to, for error messages. */
export interface DockerClient {
  readonly api: Docker;
  /** normalised DOCKER_HOST-style address, e.g. unix:///var/run/docker.sock */
  readonly endpoint: string;
}

/**
 * Builds a client for a DOCKER_HOST-style address (unix:///path, tcp://host:port,
 * http://host:port) or, when undefined or empty, the local socket. The value is an
 * input: the app reads DOCKER_HOST in its config.ts and passes it here.
 *
 * Every connection option is set explicitly, because docker-modem otherwise merges
 * in its own reading of process.env.DOCKER_HOST and a tcp host there would silently
 * win over the socket path given here.
 */
export function createDockerClient(dockerHost?: string): DockerClient {
  const value = dockerHost?.trim() || DEFAULT_DOCKER_HOST;

  if (value.startsWith('unix://')) {
    const socketPath = value.slice('unix://'.length);
    if (!socketPath.startsWith('/')) throw new DockerInvalidHostError(value, 'a unix socket path must be absolute');
    const api = new Docker({ socketPath, host: undefined, port: undefined, protocol: 'http' });
    return { api, endpoint: `unix://${socketPath}` };
  }

  const withScheme = /^[a-z]+:\/\//i.test(value) ? value : `tcp://${value}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new DockerInvalidHostError(value, 'not a URL');
  }
  if (url.protocol !== 'tcp:' && url.protocol !== 'http:') {
    throw new DockerInvalidHostError(value, `scheme ${url.protocol} is not supported (no TLS or ssh here)`);
  }
  if (!url.hostname || !url.port) throw new DockerInvalidHostError(value, 'expected tcp://host:port');
  const api = new Docker({ host: url.hostname, port: Number(url.port), protocol: 'http', socketPath: undefined });
  return { api, endpoint: `tcp://${url.hostname}:${url.port}` };
}

/**
 * Checks the engine answers. Throws DOCKER.UNAVAILABLE / DOCKER.PERMISSION_DENIED
 * with a message that says what to do; a hung engine counts as unavailable after
 * `timeoutMs`.
 */
export async function pingDocker(client: DockerClient, timeoutMs = 5_000): Promise<void> {
  try {
    // @types/dockerode omits ping's options; dockerode 5 accepts { abortSignal }.
    // eslint-disable-next-line @typescript-eslint/unbound-method -- called with client.api as `this` just below
    const ping = client.api.ping as unknown as (this: Docker, options: { abortSignal: AbortSignal }) => Promise<unknown>;
    await ping.call(client.api, { abortSignal: AbortSignal.timeout(timeoutMs) });
  } catch (error) {
    const name = (error as { name?: unknown } | null)?.name;
    const timedOut = name === 'TimeoutError' || name === 'AbortError';
    const reason = timedOut ? Object.assign(new Error(`no answer within ${timeoutMs} ms`, { cause: error }), { code: 'ETIMEDOUT' }) : error;
    throw toDockerError(reason, { endpoint: client.endpoint, operation: 'ping' });
  }
}
