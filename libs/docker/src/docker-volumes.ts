import type { DockerApi } from './docker-api';
import type { LabelSelector } from './docker-containers';
import { dockerStatusCode } from './docker-error.map';

export interface VolumeSummary {
  name: string;
  labels: Record<string, string>;
  /** best effort: Docker answers a create of an existing name with the existing volume */
  created: boolean;
}

/** A volume as Docker lists it. */
export interface VolumeInfo {
  name: string;
  labels: Record<string, string>;
  /** RFC 3339 as Docker reports it; null when absent */
  createdAt: string | null;
}

/** What Docker's disk-usage report says of one volume. */
export interface VolumeUsage {
  /** bytes; null when Docker did not measure it (-1: not the local driver) */
  sizeBytes: number | null;
  /** containers referencing it */
  refCount: number | null;
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

  /** Volumes carrying every label of the selector (Docker filters them), in no particular order. */
  async list(labels: LabelSelector): Promise<VolumeInfo[]> {
    const filter = Object.entries(labels).map(([key, value]) => (value === true ? key : `${key}=${value}`));
    try {
      const listed = (await this.docker.api.listVolumes({ filters: { label: filter } })) as {
        Volumes?: Array<{ Name: string; Labels?: Record<string, string> | null; CreatedAt?: string }> | null;
      };
      return (listed.Volumes ?? []).map((v) => ({ name: v.Name, labels: { ...(v.Labels ?? {}) }, createdAt: v.CreatedAt ?? null }));
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list volumes', target: `with labels ${filter.join(',')}` });
    }
  }

  /** Names of the containers (running or not) that mount the volume. */
  async usedBy(name: string): Promise<string[]> {
    try {
      const listed = await this.docker.api.listContainers({ all: true, filters: { volume: [name] } });
      return listed.map((c) => (c.Names?.[0] ?? c.Id).replace(/^\//, ''));
    } catch (error) {
      throw this.docker.fail(error, { operation: 'list containers', target: `using volume ${name}` });
    }
  }

  /** A volume by name; null when there is none. */
  get(name: string): Promise<Omit<VolumeSummary, 'created'> | null> {
    return this.inspect(name);
  }

  /**
   * Every volume's size from Docker's disk-usage report (`GET /system/df`). Slow: Docker
   * walks every volume (and, before API 1.42, measures images and containers too), so
   * callers cache it.
   */
  async usage(): Promise<Map<string, VolumeUsage>> {
    let df: { Volumes?: Array<{ Name: string; UsageData?: { Size?: number; RefCount?: number } | null }> | null };
    try {
      df = (await this.docker.api.df()) as typeof df;
    } catch (error) {
      throw this.docker.fail(error, { operation: 'measure volumes', target: 'system df' });
    }
    const known = (n: number | undefined) => (typeof n === 'number' && n >= 0 ? n : null);
    return new Map((df.Volumes ?? []).map((v) => [v.Name, { sizeBytes: known(v.UsageData?.Size), refCount: known(v.UsageData?.RefCount) }]));
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
