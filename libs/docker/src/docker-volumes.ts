import type { DockerApi } from './docker-api';
import { dockerStatusCode } from './docker-error.map';

export interface VolumeSummary {
  name: string;
  labels: Record<string, string>;
  /** best effort: Docker answers a create of an existing name with the existing volume */
  created: boolean;
}

/** Named volumes (local driver). */
export class DockerVolumes {
  constructor(private readonly docker: DockerApi) {}

  async ensure(name: string, labels: Record<string, string>): Promise<VolumeSummary> {
    const existing = await this.inspect(name);
    if (existing) return { ...existing, created: false };
    try {
      const volume = (await this.docker.api.createVolume({ Name: name, Driver: 'local', Labels: labels })) as unknown as {
        Name?: string;
        Labels?: Record<string, string> | null;
      };
      return { name: volume.Name ?? name, labels: { ...(volume.Labels ?? labels) }, created: true };
    } catch (error) {
      throw this.docker.fail(error, { operation: 'create volume', target: name });
    }
  }

  async remove(name: string): Promise<void> {
    try {
      await this.docker.api.getVolume(name).remove();
    } catch (error) {
      if (dockerStatusCode(error) === 404) return;
      throw this.docker.fail(error, { operation: 'remove volume', target: name });
    }
  }

  private async inspect(name: string): Promise<Omit<VolumeSummary, 'created'> | null> {
    try {
      const info = (await this.docker.api.getVolume(name).inspect()) as { Name: string; Labels?: Record<string, string> | null };
      return { name: info.Name, labels: { ...(info.Labels ?? {}) } };
    } catch (error) {
      if (dockerStatusCode(error) === 404) return null;
      throw this.docker.fail(error, { operation: 'inspect volume', target: name });
    }
  }
}
