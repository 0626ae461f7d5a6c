import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { type AlertCommand, type AlertState, decideAlert, evolveAlert } from '@sacp/domain';
import { AlertRaisedV1, type AlertRaisedDataV1 } from '@sacp/events';
import { event } from '../../factories/agent-events';
import { deciderSpec } from '../../support/decider-spec';

const alert: AlertRaisedDataV1 = { ...AlertRaisedV1.example, lastLogLines: [...AlertRaisedV1.example.lastLogLines] };
const STREAM = `alert-${alert.key}`;
const raise: AlertCommand = { type: 'raise', alert };
const resolve: AlertCommand = { type: 'resolve', key: alert.key, agentId: alert.agentId, message: 'coder-1 runs again' };
const raised = () => event('alert.raised', alert);
const resolved = () => event('alert.resolved', { key: alert.key, agentId: alert.agentId, message: 'resolved' });

const { given } = deciderSpec({
  initialState: (): AlertState => ({ open: false, version: 0 }),
  evolve: evolveAlert,
  decide: decideAlert,
  appended: (d: ReturnType<typeof decideAlert>) => d.appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamId, ...e }))),
});

describe('alert decider: one open alert per key', () => {
  test('a raise with no alert open opens one, on the stream of its key, expecting the version of that stream', () => {
    const d = given([raised(), resolved()])
      .when(raise)
      .then([{ stream: STREAM, type: 'alert.raised', schemaVersion: 1, data: alert }]);
    assert.equal(d.appends[0]!.expectedVersion, 2);
    assert.equal(d.changed, true);
  });

  test('a raise while the alert is open records nothing', () => {
    const d = given([raised()]).when(raise).then([]);
    assert.equal(d.changed, false);
  });

  test('a resolve of the open alert closes it, saying why', () => {
    given([raised()])
      .when(resolve)
      .then([{ stream: STREAM, type: 'alert.resolved', schemaVersion: 1, data: { key: alert.key, agentId: alert.agentId, message: 'coder-1 runs again' } }]);
  });

  test('a resolve with no alert open records nothing', () => {
    given([]).when(resolve).then([]);
    given([raised(), resolved()]).when(resolve).then([]);
  });
});
