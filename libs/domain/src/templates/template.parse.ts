import { checkTemplatePolicy, type ContainerPolicy, type HostPathResolver } from '../container/container-policy';
import { TemplateSchema, type Template } from './template.schema';
import { hostileFields, withoutFields } from './template.hostile-fields';

export interface TemplateProblem {
  file: string;
  field: string;
  message: string;
  /** `policy`: valid, but refused by the container policy */
  kind: 'invalid' | 'policy';
}

export type ParsedTemplate = { ok: true; template: Template } | { ok: false; problems: TemplateProblem[] };

const TOP_LEVEL_FIELDS = Object.keys(TemplateSchema.shape);

/**
 * Parses one template file's text. Every problem names the file, the field and what
 * is wrong, so an operator can fix the file without guessing. `resolveHostPath` is
 * how host paths are found on the host (the orchestrator follows symlinks); without
 * it they are checked as written.
 */
export function parseTemplate(file: string, text: string, policy: ContainerPolicy, resolveHostPath?: HostPathResolver): ParsedTemplate {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ file, field: '(file)', message: `not valid JSON: ${(err as Error).message}`, kind: 'invalid' }] };
  }
  // fields Docker knows but templates never get (devices, namespaces, sysctls, ...) are refused with their reason
  const hostile = hostileFields(raw);
  const result = TemplateSchema.safeParse(
    withoutFields(
      raw,
      hostile.map((h) => h.field),
    ),
  );
  if (!result.success) {
    const problems: TemplateProblem[] = hostile.map((h) => ({ file, ...h, kind: 'policy' as const }));
    for (const issue of result.error.issues) {
      const at = issue.path.map(String);
      if (issue.code === 'unrecognized_keys') {
        for (const key of issue.keys)
          problems.push({
            file,
            field: [...at, key].join('.'),
            message: `unknown field "${key}"${at.length ? '' : `: a template has only ${TOP_LEVEL_FIELDS.join(', ')}`}`,
            kind: 'invalid',
          });
      } else problems.push({ file, field: at.length ? at.join('.') : '(root)', message: issue.message, kind: 'invalid' });
    }
    return { ok: false, problems };
  }
  const template = result.data;
  const expectedName = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (template.name !== expectedName) {
    return {
      ok: false,
      problems: [
        { file, field: 'name', message: `the template is named "${template.name}" but its file is ${expectedName}.json; they must match`, kind: 'invalid' },
        ...hostile.map((h) => ({ file, ...h, kind: 'policy' as const })),
      ],
    };
  }
  const violations = [...hostile, ...checkTemplatePolicy(template, policy, resolveHostPath)];
  if (violations.length) return { ok: false, problems: violations.map((v) => ({ file, ...v, kind: 'policy' as const })) };
  return { ok: true, template };
}

export function describeTemplateProblems(problems: TemplateProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n');
}
