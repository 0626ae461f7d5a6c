import { applyDecorators } from '@nestjs/common';
import { ApiBody, ApiQuery } from '@nestjs/swagger';
import { z } from 'zod';

type Schema = Record<string, unknown>;

/** JSON Schema (2020-12, OpenAPI 3.1's own) of what a client sends for this zod schema. */
function jsonSchema(schema: z.ZodType): Schema {
  const { $schema: _dialect, ...rest } = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Schema;
  return rest;
}

/** Documents a JSON body with the zod schema that validates it (ZodPipe), so the document cannot drift from the check. */
export const ApiZodBody = (schema: z.ZodType) => ApiBody({ schema: jsonSchema(schema) as never });

/** Documents each query-string parameter of a zod object schema, required or not as the schema says. */
export function ApiZodQuery(schema: z.ZodObject) {
  return applyDecorators(
    ...Object.entries(schema.shape).map(([name, field]) => {
      const f = field as z.ZodType;
      const s = jsonSchema(f);
      return ApiQuery({ name, required: !f.safeParse(undefined).success, schema: s as never, ...(f.description ? { description: f.description } : {}) });
    }),
  );
}
