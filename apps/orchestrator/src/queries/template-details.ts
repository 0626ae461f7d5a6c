import { DomainError, jsonDiff, templateStreamId } from '@sacp/domain';
import type { EventStore } from '@sacp/event-store';
import {
  ErrorCodes,
  type StoredEvent,
  type TemplateDetailView,
  type TemplateDiffView,
  type TemplateProblemView,
  type TemplateVersionDetailView,
  type TemplateVersionRegisteredDataV1,
  type TemplateVersionView,
} from '@sacp/events';
import type { TemplateCatalog, TemplateFile } from '../templates/template-catalog';
import type { AgentRegistryReader } from './agent-registry.reader';

/** At most this many changes in a diff, and agents in `template.get`. */
const MAX_CHANGES = 500;
const MAX_AGENTS = 1000;

export interface TemplateReads {
  store: EventStore;
  catalog: TemplateCatalog;
  registry: AgentRegistryReader;
}

const versionOf = (e: StoredEvent): TemplateVersionDetailView => {
  const d = e.data as TemplateVersionRegisteredDataV1;
  return {
    name: d.name,
    version: d.version,
    hash: d.hash,
    file: d.file,
    at: e.metadata.occurredAt,
    actor: e.metadata.actor,
    commandId: e.metadata.commandId,
    definition: d.definition,
  };
};

async function registered(store: EventStore, name: string): Promise<TemplateVersionDetailView[]> {
  return (await store.readStream(templateStreamId(name))).filter((e) => e.type === 'template.version_registered').map(versionOf);
}

const notFound = (name: string, version?: number) =>
  version === undefined
    ? new DomainError(ErrorCodes.TEMPLATE_NOT_FOUND, `no template named "${name}" is registered or on file`, { template: name })
    : new DomainError(ErrorCodes.TEMPLATE_NOT_FOUND, `template ${name} has no version ${version}`, { template: name, version });

/** The file of a template as it is now: valid, invalid (its problems), or absent. */
function currentFile(catalog: TemplateCatalog, name: string): { file: TemplateFile | null; problems: TemplateProblemView[] } {
  try {
    return { file: catalog.readOne(name), problems: [] };
  } catch (err) {
    if (err instanceof DomainError && err.code !== ErrorCodes.TEMPLATE_NOT_FOUND) return { file: null, problems: (err.details?.problems as TemplateProblemView[]) ?? [] };
    if (err instanceof DomainError) return { file: null, problems: [] };
    throw err;
  }
}

/** `template.get`: the current definition (the file's, else the latest registered), its versions' lineage head, and who runs which version. */
export async function readTemplate(d: TemplateReads, name: string): Promise<TemplateDetailView> {
  const versions = await registered(d.store, name);
  const latest = versions[versions.length - 1] ?? null;
  const { file, problems } = currentFile(d.catalog, name);
  if (!file && !latest) throw notFound(name);
  const agents = (await d.registry.byTemplate(name, MAX_AGENTS)).map((a) => ({ agent: a.name, agentId: a.id, version: a.template?.version ?? 0 }));
  return {
    name,
    definition: file ? file.template : latest!.definition,
    hash: file ? file.hash : latest!.hash,
    file: file ? file.file : latest!.file,
    source: file ? 'file' : 'registry',
    version: latest?.version ?? null,
    registeredAt: latest?.at ?? null,
    changedSinceRegistered: file ? file.hash !== latest?.hash : false,
    problems,
    agents,
  };
}

/** `template.versions`: every registered version, newest first, without definitions. */
export async function readTemplateVersions(d: TemplateReads, name: string): Promise<TemplateVersionView[]> {
  const versions = await registered(d.store, name);
  if (!versions.length && !currentFile(d.catalog, name).file) throw notFound(name);
  return versions.reverse().map(({ definition: _definition, ...v }) => v);
}

/** `template.version`: one registered version with its definition. */
export async function readTemplateVersion(d: TemplateReads, name: string, version: number): Promise<TemplateVersionDetailView> {
  const found = (await registered(d.store, name)).find((v) => v.version === version);
  if (!found) throw notFound(name, version);
  return found;
}

/** `template.diff`: the changes from one registered version to another (either order). */
export async function readTemplateDiff(d: TemplateReads, name: string, from: number, to: number): Promise<TemplateDiffView> {
  const versions = await registered(d.store, name);
  const a = versions.find((v) => v.version === from);
  const b = versions.find((v) => v.version === to);
  if (!a) throw notFound(name, from);
  if (!b) throw notFound(name, to);
  return { name, from: { version: a.version, hash: a.hash }, to: { version: b.version, hash: b.hash }, changes: jsonDiff(a.definition, b.definition, MAX_CHANGES) };
}
