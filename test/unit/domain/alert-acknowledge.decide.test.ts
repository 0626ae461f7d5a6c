import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { type AcknowledgeAlertCommand, type AlertState, decideAlertAcknowledge, evolveAlert } from '@sacp/domain';
import { AlertRaisedV1, type AlertRaisedDataV1 } from '@sacp/events';
import { event } from '../../factories/agent-events';
import { deciderSpec } from '../../support/decider-spec';

const alert: AlertRaisedDataV1 = { ...AlertRaisedV1.example, lastLogLines: [] };
const STREAM = `alert-${alert.key}`;
const ALERT_ID = '0192f0d1-2b3c-7d4e-8f5a-6b7c8d9e0f1a';
const ack: AcknowledgeAlertCommand = { type: 'acknowledge', key: alert.key, alertId: ALERT_ID, agentId: alert.agentId, note: 'on it' };
const raised = () => event('alert.raised', alert);
const resolved = () => event('alert.resolved', { key: alert.key, agentId: alert.agentId, message: 'over' });
const acknowledged = () => event('alert.acknowledged', { key: alert.key, alertId: ALERT_ID, agentId: alert.agentId, note: null });

const { given } = deciderSpec({
  initialState: (): AlertState => ({ open: false, version: 0 }),
  evolve: evolveAlert,
  decide: decideAlertAcknowledge,
  appended: (d: ReturnType<typeof decideAlertAcknowledge>) => d.appends.flatMap((a) => a.events.map((e) => ({ stream: a.streamId, ...e }))),
});

describe('alert acknowledgement decider: an operator has seen an open alert', () => {
  test('an open alert is acknowledged on its stream, with the note, expecting the stream version', () => {
    const d = given([raised()])
      .when(ack)
      .then([{ stream: STREAM, type: 'alert.acknowledged', schemaVersion: 1, data: { key: alert.key, alertId: ALERT_ID, agentId: alert.agentId, note: 'on it' } }]);
    assert.equal(d.appends[0]!.expectedVersion, 1);
    assert.equal(d.changed, true);
  });

  test('a second acknowledgement of the same open alert records nothing', () => {
    assert.equal(given([raised(), acknowledged()]).when(ack).then([]).changed, false);
  });

  test('a new alert of the same key needs its own acknowledgement', () => {
    given([raised(), acknowledged(), resolved(), raised()])
      .when(ack)
      .then([{ type: 'alert.acknowledged', data: { key: alert.key, alertId: ALERT_ID, agentId: alert.agentId, note: 'on it' } }]);
  });

  test('a key never raised is unknown; a resolved alert is over', () => {
    given([])
      .when(ack)
      .then({ error: 'ALERT.NOT_FOUND', message: /no alert with key/ });
    given([raised(), resolved()])
      .when(ack)
      .then({ error: 'ALERT.RESOLVED', message: /resolved already/ });
    given([raised(), acknowledged(), resolved()]).when(ack).then({ error: 'ALERT.RESOLVED' });
  });

  test('an acknowledgement keeps the alert open: a raise still records nothing, a resolve closes it', () => {
    const state = [raised(), acknowledged()].reduce(evolveAlert, { open: false, version: 0 } as AlertState);
    assert.deepEqual(state, { open: true, version: 2, acknowledged: true });
  });
});
