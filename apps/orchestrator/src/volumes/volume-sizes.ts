import { Inject, Injectable } from '@nestjs/common';
import { DockerDriver, type VolumeUsage } from '@sacp/docker';
import { type JsonLogger } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import type { OrchestratorConfig } from '../config';
import { SizeCache, type CachedRead } from './size-cache';

/** Volume sizes from Docker's disk-usage report, measured one at a time and reused (see SizeCache). */
@Injectable()
export class VolumeSizes {
  private readonly cache: SizeCache<Map<string, VolumeUsage>>;

  constructor(docker: DockerDriver, @Inject(CONFIG) config: OrchestratorConfig, @Inject(LOGGER) log: JsonLogger) {
    this.cache = new SizeCache(() => docker.volumeUsage(), {
      ttlMs: config.SACP_VOLUME_SIZES_TTL_MS,
      waitMs: config.SACP_VOLUME_SIZES_WAIT_MS,
      onError: (error) => log.warn('measuring volume sizes failed; the last sizes stay', { error }),
    });
  }

  read(): Promise<CachedRead<Map<string, VolumeUsage>>> {
    return this.cache.read();
  }

  /** The last size measured for this volume, without measuring (null when none is known). */
  lastSize(name: string): number | null {
    return this.cache.peek()?.value.get(name)?.sizeBytes ?? null;
  }
}
