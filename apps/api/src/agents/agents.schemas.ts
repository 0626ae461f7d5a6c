import { z } from 'zod';
import { AgentNameSchema, AgentRefSchema, Limits } from '@sacp/events';

const reason = z.string().max(500, 'a reason is at most 500 characters').optional();

export const AgentRef = AgentRefSchema;
export const ReasonBody = z.object({ reason }).strict();
export const DeployBody = z.object({ template: z.string().min(1, 'name a template, e.g. "grok4"').max(100), name: AgentNameSchema.optional(), reason }).strict();
export const AdoptBody = z.object({ container: z.string().min(1, 'name the container by its id or name').max(200), name: AgentNameSchema.optional(), reason }).strict();

const count = (max: number) => z.coerce.number().int().min(1).max(max);

export const ListQuery = z
  .object({
    cursor: z.string().min(1).max(2000).optional(),
    limit: count(Limits.PAGE_MAX_ITEMS).optional(),
  })
  .strict();

export const LogsQuery = z.object({ lines: count(10_000).default(100), cursor: z.string().min(1).max(2000).optional(), limit: count(Limits.PAGE_MAX_ITEMS).optional() }).strict();
export const LogStreamQuery = z.object({ lines: z.coerce.number().int().min(0).max(10_000).default(100) }).strict();
export const HistoryQuery = z.object({ cursor: z.string().min(1).max(2000).optional(), limit: count(Limits.PAGE_MAX_ITEMS).optional() }).strict();
export const WhyQuery = z.object({ depth: count(1000).default(50) }).strict();
