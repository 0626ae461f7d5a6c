import assert from 'node:assert/strict';
import { describe, expect, test } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { z } from 'zod';
import * as P from '@sacp/agent-protocol';
import { REPO_ROOT } from '../../support/repo-root';

interface Schema {
  properties?: Record<string, unknown>;
  required?: string[];
  oneOf?: Schema[];
}
interface Doc {
  channels: Record<string, { address: string | null; messages: Record<string, unknown> }>;
  components: { messages: Record<string, unknown>; schemas: Record<string, Schema> };
}
// js-yaml comes with the OpenAPI tooling (devDependencies); it has no type declarations of its own
const yamlModule: string = 'js-yaml';
const { load } = createRequire(join(REPO_ROOT, 'package.json'))(yamlModule) as { load: (text: string) => unknown };
const doc = load(readFileSync(join(REPO_ROOT, 'docs/agent-protocol.asyncapi.yaml'), 'utf8')) as Doc;
const schemas = P as unknown as Record<string, z.ZodType>;

/** The fields of an object schema and which of them are required. */
function fields(schema: z.ZodType): { keys: string[]; required: string[] } {
  const shape = (schema as z.ZodObject).shape;
  const keys = Object.keys(shape).sort();
  return { keys, required: keys.filter((k) => !shape[k]!.safeParse(undefined).success).sort() };
}
const docFields = (s: Schema) => ({ keys: Object.keys(s.properties ?? {}).sort(), required: [...(s.required ?? [])].sort() });

describe('docs/agent-protocol.asyncapi.yaml describes libs/agent-protocol', () => {
  test('every subject the library uses is a channel', () => {
    const addresses = Object.values(doc.channels).map((c) => c.address);
    for (const kind of P.INBOUND_KINDS) expect(addresses).toContain(`sacp.agent.{agentId}.in.${kind}`);
    for (const kind of P.REPORT_KINDS) expect(addresses).toContain(`sacp.agent.{agentId}.out.${kind}`);
    const id = '0b0e7c1e-0000-4000-8000-000000000001';
    for (const kind of P.REPORT_KINDS) expect(P.AgentSubjects.report(id, kind)).toBe(`sacp.agent.${id}.out.${kind}`);
    // and no channel the library does not know
    const known = new Set([...P.INBOUND_KINDS.map((k) => `in.${k}`), ...P.REPORT_KINDS.map((k) => `out.${k}`)]);
    for (const a of addresses.filter((a): a is string => a !== null)) expect(known).toContain(a.replace('sacp.agent.{agentId}.', ''));
  });

  test.each(P.PROTOCOL_SCHEMA_NAMES.map((n) => [n]))('%s: a message and a schema with the same fields', (name) => {
    expect(doc.components.messages[name]).toBeDefined();
    const documented = doc.components.schemas[name];
    expect(documented).toBeDefined();
    const schema = schemas[`${name}Schema`]!;
    if (schema instanceof z.ZodUnion) {
      const options = (schema.options as z.ZodType[]).map(fields);
      expect(documented!.oneOf?.map(docFields)).toEqual(options);
    } else expect(docFields(documented!)).toEqual(fields(schema));
  });

  test("every $ref points at something in the document, and every operation's channels exist", () => {
    const refs: string[] = [];
    const walk = (v: unknown): void => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object')
        for (const [k, x] of Object.entries(v)) {
          if (k === '$ref' && typeof x === 'string') refs.push(x);
          else walk(x);
        }
    };
    walk(doc);
    assert.ok(refs.length > 50);
    for (const ref of refs) {
      assert.match(ref, /^#\//, ref);
      const target = ref
        .slice(2)
        .split('/')
        .reduce<unknown>((node, key) => (node as Record<string, unknown> | undefined)?.[key], doc);
      assert.ok(target !== undefined, `${ref} points at nothing`);
    }
  });

  test('each report kind and each inbound kind has its schemas', () => {
    expect(Object.keys(P.REPORT_SCHEMAS).sort()).toEqual([...P.REPORT_KINDS].sort());
    expect(Object.keys(P.INBOUND_SCHEMAS).sort()).toEqual([...P.INBOUND_KINDS].sort());
  });
});

describe('agent protocol schemas', () => {
  const taskId = '5d3c7a8e-1b2c-4d5e-8f90-a1b2c3d4e5f6';
  const offer = { taskId, attempt: 1, title: 't', instructions: '', inputs: {}, priority: 'normal', deadline: null, timeoutMs: 1000 };

  test('an offer within the limits passes; inputs over 64 KiB do not', () => {
    expect(P.TaskOfferSchema.safeParse(offer).success).toBe(true);
    const big = P.TaskOfferSchema.safeParse({ ...offer, inputs: { x: 'a'.repeat(64 * 1024) } });
    expect(big.success).toBe(false);
    expect(P.describeZodError(big.error!)).toMatch(/inputs is larger than 65536 bytes/);
    expect(P.TaskOfferSchema.safeParse({ ...offer, title: 'x'.repeat(201) }).success).toBe(false);
  });

  test('a subtask names a member or a role, not both', () => {
    const s = { reportId: taskId, parentTaskId: taskId, member: 'a', role: 'b', title: 't', instructions: '', inputs: {}, priority: 'low' };
    expect(P.SubtaskCreateSchema.safeParse(s).success).toBe(false);
    expect(P.SubtaskCreateSchema.safeParse({ ...s, role: null }).success).toBe(true);
  });

  test('report subjects parse back; anything else is null', () => {
    expect(P.parseReportSubject(`sacp.agent.${taskId}.out.task.succeed`)).toEqual({ agentId: taskId, kind: 'task.succeed' });
    expect(P.parseReportSubject(`sacp.agent.${taskId}.out.task.other`)).toBeNull();
    expect(P.parseReportSubject(`sacp.agent.NOT-AN-ID.out.hello`)).toBeNull();
    expect(P.parseReportSubject(`sacp.agent.${taskId}.in.task.offer`)).toBeNull();
    expect(() => P.AgentSubjects.offer('x.>')).toThrow(/not an agent id/);
  });

  test('the environment names what is missing or wrong', () => {
    expect(() => P.agentBusConfigFromEnv({ SACP_AGENT_ID: taskId })).toThrow(/SACP_BUS_URL, SACP_BUS_USER, SACP_BUS_PASSWORD/);
    const env = { SACP_AGENT_ID: taskId, SACP_BUS_URL: 'nats://172.17.0.1:4222', SACP_BUS_USER: `agent-${taskId}`, SACP_BUS_PASSWORD: 'p' };
    expect(P.agentBusConfigFromEnv(env)).toEqual({ url: env.SACP_BUS_URL, user: env.SACP_BUS_USER, password: 'p', agentId: taskId });
    expect(() => P.agentBusConfigFromEnv({ ...env, SACP_BUS_USER: 'agent-other' })).toThrow(/does not belong/);
    expect(P.agentInboxPrefix(taskId)).toBe(`_INBOX.agent-${taskId}`);
  });
});
