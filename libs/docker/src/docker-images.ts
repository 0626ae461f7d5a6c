import type { DockerApi } from './docker-api';
import { dockerStatusCode } from './docker-error.map';

/** What the engine says of an image and of its host. */
export class DockerImages {
  constructor(private readonly docker: DockerApi) {}

  async exists(image: string): Promise<boolean> {
    return (await this.inspect(image)) !== undefined;
  }

  /** The image's USER ('' when it sets none, i.e. root); undefined when the image is not here. */
  async user(image: string): Promise<string | undefined> {
    const info = await this.inspect(image);
    return info === undefined ? undefined : (info.Config?.User ?? '');
  }

  async hostSize(): Promise<{ memoryBytes: number; cpus: number }> {
    try {
      const info = (await this.docker.api.info()) as { MemTotal?: number; NCPU?: number };
      return { memoryBytes: Number(info.MemTotal) || Number.POSITIVE_INFINITY, cpus: Number(info.NCPU) || Number.POSITIVE_INFINITY };
    } catch (error) {
      throw this.docker.fail(error, { operation: 'read the host size' });
    }
  }

  private async inspect(image: string) {
    try {
      return await this.docker.api.getImage(image).inspect();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return undefined;
      throw this.docker.fail(error, { operation: 'inspect image', target: image });
    }
  }
}
