import { validate } from '../../../events/src/validation';
import { checkTemplatePolicy, type ContainerPolicy } from '../container/container-policy';
import { TemplateSchema, type Template } from './template.schema';

export interface TemplateProblem {
  file: string;
  field: string;
  message: string;
  /** `policy`: valid, but refused by the container policy */
  kind: 'invalid' | 'policy';
}

export type ParsedTemplate = { ok: true; template: Template } | { ok: false; problems: TemplateProblem[] };

/**
 * Parses one template file's text. Every problem names the file, the field and what
 * is wrong, so an operator can fix the file without guessing.
 */
export function parseTemplate(file: string, text: string, policy: ContainerPolicy): ParsedTemplate {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    return { ok: false, problems: [{ file, field: '(file)', message: `not valid JSON: ${(err as Error).message}`, kind: 'invalid' }] };
  }
  const result = validate(TemplateSchema, raw);
  if (!result.ok) {
    return { ok: false, problems: result.issues.map((i) => ({ file, field: i.path, message: i.message, kind: 'invalid' as const })) };
  }
  const expectedName = file.replace(/^.*\//, '').replace(/\.json$/, '');
  if (result.value.name !== expectedName) {
    return {
      ok: false,
      problems: [{ file, field: 'name', message: `the template is named "${result.value.name}" but its file is ${expectedName}.json; they must match`, kind: 'invalid' }],
    };
  }
  const violations = checkTemplatePolicy(result.value, policy);
  if (violations.length) return { ok: false, problems: violations.map((v) => ({ file, ...v, kind: 'policy' as const })) };
  return { ok: true, template: result.value };
}

export function describeTemplateProblems(problems: TemplateProblem[]): string {
  return problems.map((p) => `${p.file}: ${p.field}: ${p.message}`).join('\n');
}
