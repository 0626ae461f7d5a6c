import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { CommandAccess } from '../../../apps/orchestrator/src/commands/command-access';
import { wireError } from '../../../apps/orchestrator/src/bus/wire-errors';
import { errorReply } from '@sacp/bus';
import type { AuditEntry, CommandAudit } from '@sacp/event-store';
import type { CommandReply } from '@sacp/events';
import { JsonLogger } from '@sacp/platform';

const envelope = (type: string, kind: string) => ({
  type,
  version: 1,
  commandId: `c-${type}-${kind}`,
  actor: { kind, id: 'x', displayName: 'x' },
  source: 's',
  payload: { value: 'hunter2' },
});

/**
 * The orchestrator's sender check, with the pipeline and the audit trail as recorders:
 * `receive` is what the sender is told, the pipeline's reply once admitted, or the
 * refusal as the exception filter answers it.
 */
function access() {
  const audited: AuditEntry[] = [];
  const handled: string[] = [];
  const check = new CommandAccess({ record: async (e: AuditEntry) => void audited.push(e) } as unknown as CommandAudit, new JsonLogger('test', 'error'));
  const a = {
    receive: (subject: string, body: unknown): Promise<CommandReply> =>
      check.admit(subject, body).then(
        (type): CommandReply => (handled.push(type), { ok: true, commandId: 'c', duplicate: false, result: {}, events: [] }),
        (err: unknown) => errorReply(subject, body, wireError(err)) as CommandReply,
      ),
  };
  return { a, audited, handled };
}

describe('CommandAccess: a command must come from a sender that may claim its actor kind', () => {
  const refusals: [string, string, unknown, RegExp][] = [
    ['no kind in the subject', 'sacp.cmd.agent.stop', envelope('agent.stop', 'cli'), /names no sender kind/],
    ['an unknown kind', 'sacp.cmd.agent.stop.root', envelope('agent.stop', 'cli'), /"root" .* is not an actor kind/],
    ['an envelope claiming another kind', 'sacp.cmd.agent.stop.discord', envelope('agent.stop', 'system'), /claims actor kind "system"/],
    ['a type its kind may not send', 'sacp.cmd.agent.deploy.system', envelope('agent.deploy', 'system'), /a system sender may not send agent.deploy/],
    ['a secret from a front door that may not set one', 'sacp.cmd.secret.set.discord', envelope('secret.set', 'discord'), /may not send secret.set/],
  ];
  for (const [what, subject, body, message] of refusals)
    test(`${what} → ACCESS.DENIED, audited as refused without its payload`, async () => {
      const { a, audited, handled } = access();
      const reply = await a.receive(subject, body);
      assert.equal(!reply.ok && reply.error.code, 'ACCESS.DENIED');
      assert.match(!reply.ok ? reply.error.message : '', message);
      assert.deepEqual(handled, []);
      assert.equal(audited.length, 1);
      assert.equal(audited[0]!.outcome, 'refused');
      assert.equal(audited[0]!.errorCode, 'ACCESS.DENIED');
      assert.equal(audited[0]!.payload, null);
    });

  test('a sender of the right kind passes to the pipeline with the type from the subject', async () => {
    const { a, audited, handled } = access();
    assert.ok((await a.receive('sacp.cmd.agent.stop.system', envelope('agent.stop', 'system'))).ok);
    assert.ok((await a.receive('sacp.cmd.access.refuse.discord', envelope('access.refuse', 'discord'))).ok);
    assert.deepEqual(handled, ['agent.stop', 'access.refuse']);
    assert.equal(audited.length, 0);
  });

  test('an envelope without an actor is left to the pipeline, which reports it as malformed in detail', async () => {
    const { a, handled } = access();
    await a.receive('sacp.cmd.agent.stop.cli', { type: 'agent.stop' });
    assert.deepEqual(handled, ['agent.stop']);
  });
});
