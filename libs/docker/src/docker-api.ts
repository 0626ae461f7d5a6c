import type Docker from 'dockerode';
import type { DockerClient } from './docker-connection';
import { dockerStatusCode, toDockerError } from './docker-error.map';
import { DockerContainerNotFoundError } from './docker.errors';

export interface DockerOperation {
  operation: string;
  target?: string;
  image?: string;
}

/**
 * What every part of the driver shares: the dockerode client, and the one way a
 * failure becomes a typed DockerError that names the endpoint and the operation.
 */
export class DockerApi {
  constructor(readonly client: DockerClient) {}

  get api(): Docker {
    return this.client.api;
  }

  fail(error: unknown, context: DockerOperation) {
    return toDockerError(error, { endpoint: this.client.endpoint, ...context });
  }

  /** A container's full inspect; null when there is no such container. */
  async inspectRaw(id: string, operation: string): Promise<Docker.ContainerInspectInfo | null> {
    try {
      return await this.api.getContainer(id).inspect();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.fail(error, { operation, target: id });
    }
  }

  /** Log framing depends on whether the container has a TTY. */
  async hasTty(id: string, verb: string): Promise<boolean> {
    const info = await this.inspectRaw(id, `${verb} container`);
    if (!info) throw new DockerContainerNotFoundError(id, { operation: `${verb} container` });
    return info.Config.Tty === true;
  }
}
