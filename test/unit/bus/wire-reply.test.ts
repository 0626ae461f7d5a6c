import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { BusError, errorReply, PayloadLimitError, toWireError } from '@sacp/bus';
import { DockerImageNotFoundError } from '@sacp/docker';
import { DomainError } from '@sacp/domain';
import { CommandIdReusedError, StoreUnavailableError } from '@sacp/event-store';
import { wireError } from '../../../apps/orchestrator/src/bus/wire-errors';

describe('wire errors: chosen by the error type, never by its text', () => {
  test('errors that carry a wire code keep their code, message and details', () => {
    assert.deepEqual(toWireError(new DomainError('AGENT.NOT_FOUND', 'no agent "x"', { agent: 'x' })), {
      code: 'AGENT.NOT_FOUND',
      message: 'no agent "x"',
      details: { agent: 'x' },
    });
    assert.equal(toWireError(new DockerImageNotFoundError('sim:1')).code, 'DOCKER.IMAGE_NOT_FOUND');
    assert.equal(toWireError(new BusError('BUS.TIMEOUT', 'no reply')).code, 'BUS.TIMEOUT');
    assert.equal(toWireError(new StoreUnavailableError(new Error('ECONNREFUSED'))).code, 'STORE.UNAVAILABLE');
    const limit = new PayloadLimitError('QUERY.TOO_LARGE', 'too big', { subject: 'sacp.qry.agent.status', size: 2, limit: 1, limitName: 'QUERY_MAX_BYTES' });
    assert.deepEqual(toWireError(limit), { code: 'QUERY.TOO_LARGE', message: 'too big', details: limit.details });
  });

  test("anything else is INTERNAL, whatever its text says: Postgres's and Node's codes are not wire codes", () => {
    const pg = Object.assign(new Error('duplicate key value violates unique constraint "AGENT.NOT_FOUND"'), { code: '23505' });
    assert.deepEqual(toWireError(pg), { code: 'INTERNAL', message: `internal error: ${pg.message}` });
    assert.equal(toWireError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })).code, 'INTERNAL');
    assert.equal(toWireError(new Error('DOCKER.UNAVAILABLE: looks like a code')).code, 'INTERNAL');
    assert.deepEqual(toWireError('a string'), { code: 'INTERNAL', message: 'internal error: a string' });
    assert.deepEqual(toWireError({ status: 'error', message: 'Internal server error' }), { code: 'INTERNAL', message: 'internal error: Internal server error' });
  });

  test("the orchestrator's own types add their details: a reused command id names the first command", () => {
    const first = { commandType: 'agent.stop', payloadHash: null, actorKind: 'cli', outcome: 'accepted', reply: {}, recordedAt: '2026-01-01T00:00:00Z' };
    const err = new CommandIdReusedError('c-1', first, 'type');
    assert.deepEqual(wireError(err), { code: 'COMMAND.ID_REUSED', message: err.message, details: { first: { type: 'agent.stop', at: first.recordedAt }, differs: 'type' } });
  });

  test("the reply's shape follows the subject: a command names the command id it was sent with, a query does not", () => {
    const error = { code: 'AGENT.NOT_FOUND', message: 'no' };
    assert.deepEqual(errorReply('sacp.cmd.agent.stop.cli', { commandId: 'c-1' }, error), { ok: false, commandId: 'c-1', duplicate: false, error });
    assert.deepEqual(errorReply('sacp.cmd.agent.stop.cli', Symbol.for('malformed-json'), error), { ok: false, commandId: null, duplicate: false, error });
    assert.deepEqual(errorReply('sacp.qry.agent.status', { commandId: 'c-1' }, error), { ok: false, error });
  });
});
