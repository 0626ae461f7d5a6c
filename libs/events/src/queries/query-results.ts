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
