import { createHash } from 'node:crypto';
import type { Template } from './template.schema';

function canonical(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(canonical);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
    );
  return value;
}

/** Content hash of a template with its defaults applied: formatting changes do not make a new version. */
export function templateHash(template: Template): string {
  return `sha256:${createHash('sha256')
    .update(JSON.stringify(canonical(template)))
    .digest('hex')}`;
}
