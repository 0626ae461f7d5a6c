import type { TemplateProblemView } from '../commands/command-results';

/** One template file as `template.list` shows it: what it holds and whether the registry has its current text. */
export interface TemplateView {
  name: string;
  description?: string;
  image: string;
  file: string;
  /** the registered version, null when it was never synced */
  version: number | null;
  changedSinceRegistered: boolean;
  resources?: { memory?: string; cpus?: number; pids?: number };
}

/** The result of `template.list`: the valid templates, and the files with problems. */
export interface TemplateListView {
  templates: TemplateView[];
  problems: TemplateProblemView[];
}

/** The result of `agent.logs` with `follow: true`: lines arrive on `subject`; renew on `<subject>.alive` every `keepAliveMs`, stop with `<subject>.stop`. */
export interface LogFollowView {
  agent: string;
  subject: string;
  keepAliveMs: number;
}

/** One registered version of a template, from its `template.version_registered` event. */
export interface TemplateVersionView {
  name: string;
  version: number;
  hash: string;
  file: string;
  /** when it was registered, and by whose command (a deploy or a sync) */
  at: string;
  actor: { kind: string; id: string; displayName: string };
  commandId: string | null;
}

/** The result of `template.version`: one version with its definition (defaults applied). */
export interface TemplateVersionDetailView extends TemplateVersionView {
  definition: Record<string, unknown>;
}

/** The result of `template.get`. */
export interface TemplateDetailView {
  name: string;
  /** the file's definition when the file is valid (what the next deploy uses), else the latest registered one */
  definition: Record<string, unknown>;
  hash: string;
  file: string;
  /** where `definition` comes from */
  source: 'file' | 'registry';
  /** the latest registered version and when it was registered; null when never registered */
  version: number | null;
  registeredAt: string | null;
  /** the file differs from the latest registered version: the next deploy registers a new one */
  changedSinceRegistered: boolean;
  /** what is wrong with the file now, if anything */
  problems: TemplateProblemView[];
  /** the agents (not removed) deployed from it and the version each runs, by name */
  agents: { agent: string; agentId: string; version: number }[];
}

/** One difference between two versions; `path` is a JSON Pointer (`/resources/memory`). */
export type TemplateChangeView =
  { path: string; kind: 'added'; after: unknown } | { path: string; kind: 'removed'; before: unknown } | { path: string; kind: 'changed'; before: unknown; after: unknown };

/** The result of `template.diff`. */
export interface TemplateDiffView {
  name: string;
  from: { version: number; hash: string };
  to: { version: number; hash: string };
  changes: TemplateChangeView[];
}

/** One volume of this control plane (labels sacp.instance and sacp.store), as `volume.list` shows it. */
export interface VolumeView {
  name: string;
  /** its role for the agent (label sacp.volume), e.g. "workspace"; null when unlabelled */
  kind: string | null;
  agent: {
    id: string | null;
    /** the name the store knows, else the volume's label */
    name: string | null;
    /** false once the agent is removed (or when this store never knew it) */
    exists: boolean;
  };
  /** a team's shared volume (kind "team-shared"): the team (label sacp.team) and whether the store still has it; null for an agent's volume */
  team?: { name: string; exists: boolean } | null;
  /** its agent (or, for a shared volume, its team) no longer exists: kept on purpose, never removed by itself (`sacp volumes rm`) */
  orphaned: boolean;
  /** bytes used, from Docker's disk-usage report as of `sizesAt`; null when not known yet */
  sizeBytes: number | null;
  /** containers using it, from the same report; null when not known */
  refCount: number | null;
  /** when Docker created it */
  createdAt: string | null;
}

/** The result of `volume.list`: the volumes, newest first, and how fresh their sizes are. */
export interface VolumeListView {
  volumes: VolumeView[];
  /** volumes in all, before `limit` */
  total: number;
  /** when Docker measured the sizes (cached for a while: the measurement walks every volume); null when none is known */
  sizesAt: string | null;
  /** a measurement was running and did not finish within the query's wait: sizes are older or null */
  sizesPending: boolean;
}
