import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join, relative } from 'node:path';
import { ErrorCodes, newEvent, type TemplateVersionRegisteredDataV1 } from '@sacp/events';
import {
  DomainError,
  templateStreamId,
  type ContainerPolicy,
  TemplateSchema,
  type Template,
  describeTemplateProblems,
  parseTemplate,
  type TemplateProblem,
  templateHash,
} from '@sacp/domain';
import { resolveHostPath } from '@sacp/platform';
import type { AppendRequest, PgEventStore } from '@sacp/event-store';

export interface TemplateFile {
  template: Template;
  hash: string;
  file: string;
}

export interface RegisteredTemplate {
  name: string;
  version: number;
  hash: string;
  template: Template;
}

/**
 * Template files under `<SACP_CONFIG_DIR>/agents/*.json`, and their registered
 * versions in the event store. The file is what an operator edits; the stream
 * `template-<name>` is the lineage every agent points into.
 */
export class TemplateCatalog {
  private readonly versions = new Map<string, Template>();

  constructor(
    private readonly configDir: string,
    private readonly policy: ContainerPolicy,
    private readonly store: PgEventStore,
  ) {}

  get agentsDir(): string {
    return join(this.configDir, 'agents');
  }

  private fileName(name: string): string {
    return relative(this.configDir, join(this.agentsDir, `${name}.json`));
  }

  /** Every template file, parsed; invalid files are reported, not thrown. */
  readAll(): { templates: TemplateFile[]; problems: TemplateProblem[] } {
    const templates: TemplateFile[] = [];
    const problems: TemplateProblem[] = [];
    if (!existsSync(this.agentsDir))
      return { templates, problems: [{ file: this.agentsDir, field: '(directory)', message: 'the template directory does not exist; set SACP_CONFIG_DIR', kind: 'invalid' }] };
    for (const entry of readdirSync(this.agentsDir)
      .filter((f) => f.endsWith('.json'))
      .sort()) {
      const parsed = this.parseFile(entry.slice(0, -'.json'.length));
      if ('problems' in parsed) problems.push(...parsed.problems);
      else templates.push(parsed);
    }
    return { templates, problems };
  }

  private parseFile(name: string): TemplateFile | { problems: TemplateProblem[] } {
    const file = this.fileName(name);
    const parsed = parseTemplate(file, readFileSync(join(this.agentsDir, `${name}.json`), 'utf8'), this.policy, resolveHostPath);
    if (!parsed.ok) return { problems: parsed.problems };
    return { template: parsed.template, hash: templateHash(parsed.template), file };
  }

  /** The current file of one template, or a refusal naming what is wrong. */
  readOne(name: string): TemplateFile {
    if (!/^[a-z0-9][a-z0-9_-]{0,62}$/.test(name) || !existsSync(join(this.agentsDir, `${name}.json`))) {
      const available = this.readAll().templates.map((t) => t.template.name);
      throw new DomainError(ErrorCodes.TEMPLATE_NOT_FOUND, `no template named "${name}"; available: ${available.join(', ') || 'none'} (in ${this.agentsDir})`, {
        template: name,
        available,
      });
    }
    const parsed = this.parseFile(name);
    if ('problems' in parsed) {
      const violation = parsed.problems.some((p) => p.kind === 'policy');
      throw new DomainError(violation ? ErrorCodes.POLICY_VIOLATION : ErrorCodes.TEMPLATE_INVALID, describeTemplateProblems(parsed.problems), {
        template: name,
        problems: parsed.problems,
      });
    }
    return parsed;
  }

  /** The newest registered version of a template, from its stream. */
  async latest(name: string): Promise<{ version: number; hash: string; streamVersion: number } | null> {
    const events = await this.store.readStream(templateStreamId(name));
    const last = events[events.length - 1];
    if (!last) return null;
    const data = last.data as TemplateVersionRegisteredDataV1;
    return { version: data.version, hash: data.hash, streamVersion: last.streamPosition };
  }

  /**
   * The template as an agent will use it: the file's content, registered as a new
   * version if it changed. Returns the append that registers it (to go in the same
   * transaction as the deploy), or none when the version is already recorded.
   */
  async resolve(name: string): Promise<{ ref: { name: string; version: number; hash: string }; template: Template; registration: AppendRequest | null }> {
    const file = this.readOne(name);
    const latest = await this.latest(name);
    if (latest && latest.hash === file.hash) return { ref: { name, version: latest.version, hash: file.hash }, template: file.template, registration: null };
    const version = (latest?.version ?? 0) + 1;
    const data: TemplateVersionRegisteredDataV1 = { name, version, hash: file.hash, file: file.file, definition: file.template };
    return {
      ref: { name, version, hash: file.hash },
      template: file.template,
      registration: {
        streamId: templateStreamId(name),
        expectedVersion: latest?.streamVersion ?? 0,
        events: [newEvent('template.version_registered', data)],
      },
    };
  }

  /** The definition an agent was deployed with: versions are immutable, so they are cached. */
  async definitionAt(name: string, version: number): Promise<Template> {
    const key = `${name}@${version}`;
    const cached = this.versions.get(key);
    if (cached) return cached;
    const events = await this.store.readStream(templateStreamId(name));
    const found = events.map((e) => e.data as TemplateVersionRegisteredDataV1).find((d) => d.version === version);
    if (!found) throw new DomainError(ErrorCodes.TEMPLATE_NOT_FOUND, `template ${name} version ${version} is not recorded`, { template: name, version });
    const template = TemplateSchema.parse(found.definition);
    this.versions.set(key, template);
    return template;
  }
}
