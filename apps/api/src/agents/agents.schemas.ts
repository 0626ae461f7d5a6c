import { z } from 'zod';
import { AgentNameSchema, AgentRefSchema, DeployAgentV1, Limits, OBSERVED_STATES } from '@sacp/events';

const reason = z.string().max(500, 'a reason is at most 500 characters').optional();

export const AgentRef = AgentRefSchema;
export const ReasonBody = z.object({ reason }).strict();
export const DeployBody = z
  .object({
    template: z.string().min(1, 'name a template, e.g. "grok4"').max(100),
    name: AgentNameSchema.optional(),
    /** the team it joins (its quota is checked) and its role there */
    team: DeployAgentV1.payload.shape.team,
    role: DeployAgentV1.payload.shape.role,
    reason,
  })
  .strict();
/** DELETE /agents/{agent}?volumes=true also removes the agent's volumes (kept otherwise) */
export const RemoveQuery = z.object({ volumes: z.enum(['true', 'false'], { message: 'volumes is "true" or "false"' }).default('false') }).strict();
export const AdoptBody = z.object({ container: z.string().min(1, 'name the container by its id or name').max(200), name: AgentNameSchema.optional(), reason }).strict();

const count = (max: number) => z.coerce.number().int().min(1).max(max);

const at = z.iso.datetime({ offset: true, message: 'at is an ISO time, e.g. 2026-11-30T10:00:00Z' });

export const ListQuery = z
  .object({
    /** the fleet as it was at this time, rebuilt from the events */
    at: at.optional(),
    desired: z.enum(['running', 'stopped', 'removed']).optional(),
    observed: z.enum(OBSERVED_STATES).optional(),
    template: z.string().min(1).max(100).optional(),
    health: z.enum(['unknown', 'healthy', 'unhealthy']).optional(),
    /** a part of the name, any case */
    q: z.string().min(1).max(100).optional(),
    /** the agents of one team */
    team: z.string().min(1).max(100).optional(),
    cursor: z.string().min(1).max(2000).optional(),
    limit: count(Limits.PAGE_MAX_ITEMS).optional(),
  })
  .strict();

export const AtQuery = z.object({ at: at.optional() }).strict();

export const LogsQuery = z.object({ lines: count(10_000).default(100), cursor: z.string().min(1).max(2000).optional(), limit: count(Limits.PAGE_MAX_ITEMS).optional() }).strict();
export const LogStreamQuery = z.object({ lines: z.coerce.number().int().min(0).max(10_000).default(100) }).strict();
export const HistoryQuery = z.object({ cursor: z.string().min(1).max(2000).optional(), limit: count(Limits.PAGE_MAX_ITEMS).optional() }).strict();
export const WhyQuery = z.object({ depth: count(1000).default(50) }).strict();
