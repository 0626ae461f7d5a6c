import { Injectable } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { TemplateRegistryEntity } from '@sacp/event-store';

/** Reads the template registry projection: the latest registered version of each template. */
@Injectable()
export class TemplateRegistryReader {
  constructor(@InjectRepository(TemplateRegistryEntity) private readonly rows: Repository<TemplateRegistryEntity>) {}

  /** Each registered template's latest version and hash, by name. */
  async latest(): Promise<Map<string, { version: number; hash: string }>> {
    const rows = await this.rows.find({ select: { name: true, version: true, hash: true } });
    return new Map(rows.map((r) => [r.name, { version: r.version, hash: r.hash }]));
  }
}
