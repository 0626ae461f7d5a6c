import type { PipeTransform } from '@nestjs/common';
import type { z } from 'zod';
import { ApiCodes, ApiError } from './api-error';

/** Up to this many problems are listed in an error's details. */
const MAX_ISSUES = 20;

/**
 * Validates a body or a query string against a zod schema: 400 REQUEST.INVALID naming
 * each field that is wrong and why, or the parsed value. `what` says which part of
 * the request it is ("body", "query").
 */
export class ZodPipe<S extends z.ZodType> implements PipeTransform<unknown, z.infer<S>> {
  constructor(
    private readonly schema: S,
    private readonly what: 'body' | 'query' = 'body',
  ) {}

  transform(value: unknown): z.infer<S> {
    const r = this.schema.safeParse(value ?? {});
    if (r.success) return r.data;
    const issues = r.error.issues.slice(0, MAX_ISSUES).map((i) => ({ field: i.path.join('.') || this.what, problem: i.message }));
    const first = issues[0]!;
    throw new ApiError(400, ApiCodes.REQUEST_INVALID, `the request's ${this.what} is invalid: ${first.field}: ${first.problem}`, { issues });
  }
}
