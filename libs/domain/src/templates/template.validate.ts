import { DEFAULT_POLICY, type ContainerPolicy, type HostPathResolver } from '../container/container-policy';
import { templateHash } from './template.hash';
import { parseTemplate, type TemplateProblem } from './template.parse';
import type { Template } from './template.schema';

/** A problem of a template that is not a file: the field and what is wrong with it. */
export type TemplateFieldProblem = Omit<TemplateProblem, 'file'>;

export type TemplateValidation = { ok: true; template: Template; hash: string } | { ok: false; problems: TemplateFieldProblem[] };

/**
 * Checks a template given as JSON (posted to the API, not read from a file) exactly
 * as the file of its own name would be checked: the schema, the fields templates never
 * get, and the container policy (by default the built-in one: an orchestrator
 * configured with more allowances may accept what this refuses). Every problem names
 * its field (`resources.memory`, `(root)` for the whole document).
 */
export function validateTemplate(raw: unknown, policy: ContainerPolicy = DEFAULT_POLICY, resolveHostPath?: HostPathResolver): TemplateValidation {
  const name = raw && typeof raw === 'object' && typeof (raw as { name?: unknown }).name === 'string' ? (raw as { name: string }).name : 'template';
  // the file's name is the template's own, so only what is inside can be wrong
  const text = JSON.stringify(raw === undefined ? null : raw);
  const parsed = parseTemplate(`${name.replace(/[/\\]/g, '_')}.json`, text, policy, resolveHostPath);
  if (!parsed.ok) return { ok: false, problems: parsed.problems.map(({ file: _file, ...p }) => p) };
  return { ok: true, template: parsed.template, hash: templateHash(parsed.template) };
}
