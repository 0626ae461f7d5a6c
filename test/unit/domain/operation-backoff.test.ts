import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  evolveAgent,
  type EvolvableEvent,
  type AgentState,
  decideOperationFailure,
  initialAgentState,
  normalizeFailureMessage,
  operationAlertKey,
  operationAlertResolution,
  operationGate,
  operationRetryDelay,
  type OperationFailure,
  type OperationFailureDecision,
  type OperationRetryPolicy,
} from '@sacp/domain';
import { AgentOperationFailedV2 } from '@sacp/events';
import { AGENT_ID, agentDecider, deployed, event, given } from '../../factories/agent-events';
import { deciderSpec } from '../../support/decider-spec';

const policy: OperationRetryPolicy = { limit: 4, initialMs: 1000, maxMs: 5000, multiplier: 2 };
const T0 = Date.parse('2026-11-29T20:00:00.000Z');
const at = (ms: number) => new Date(T0 + ms).toISOString();
const portTaken: OperationFailure = {
  operation: 'start',
  code: 'DOCKER.OPERATION_FAILED',
  message: 'driver failed programming external connectivity on endpoint sacp-x (3f2a9c0e1b2d3c4e5f60): Bind for 127.0.0.1:18080 failed: port is already allocated',
};

/** The events of a decision, as the store records them at `now`. */
const recorded = (decision: OperationFailureDecision, now: string): EvolvableEvent[] => decision.events.map((e) => ({ ...e, metadata: { occurredAt: now } }));

/** Applies a decision's agent events as the store would, at `now`. */
function when(state: AgentState, failure: OperationFailure, now: string) {
  const decision = decideOperationFailure(state, failure, now, policy);
  const next = recorded(decision, now).reduce(evolveAgent, state);
  return { decision, state: next };
}

/** The events of a deployed agent whose operation failed at each of these times (each attempt when it was due). */
function failuresAt(...times: number[]): EvolvableEvent[] {
  const events = [deployed()];
  for (const t of times) events.push(...recorded(decideOperationFailure(given(...events), portTaken, at(t), policy), at(t)));
  return events;
}

/** Given an agent whose operation failed at each of these times (each attempt when it was due). */
const failedAt = (...times: number[]): AgentState => given(...failuresAt(...times));

/** One failed attempt of a Docker operation, decided on the agent's recorded back-off. */
const backoff = deciderSpec<{ failure: OperationFailure; now: string }, AgentState, OperationFailureDecision>({
  initialState: () => initialAgentState(AGENT_ID),
  evolve: evolveAgent,
  decide: ({ failure, now }, state) => decideOperationFailure(state, failure, now, policy),
  appended: (d) => d.events,
});
const agent = deciderSpec(agentDecider);

/** The event of a failed attempt, as decided. */
const operationFailed = (failure: OperationFailure, failures: number, nextAttemptAt: string | null) => ({
  type: 'agent.operation_failed',
  schemaVersion: 2,
  data: { agentId: AGENT_ID, ...failure, failures, limit: policy.limit, nextAttemptAt },
});

describe('operation back-off (pure, time as input)', () => {
  test('delays grow by the multiplier from the initial delay up to the cap', () => {
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6].map((n) => operationRetryDelay(policy, n)),
      [1000, 2000, 4000, 5000, 5000, 5000],
    );
  });

  test('given a healthy agent, when an operation fails, then one event records failure 1 and the next attempt after the initial delay', () => {
    const decision = backoff
      .given([deployed()])
      .when({ failure: portTaken, now: at(0) })
      .then([operationFailed(portTaken, 1, at(1000))]);
    assert.ok(AgentOperationFailedV2.data.safeParse(decision.events[0]!.data).success, 'the event keeps its contract');
    assert.equal(decision.alert, null);
    const state = recorded(decision, at(0)).reduce(evolveAgent, given(deployed()));
    assert.equal(state.operationFailure?.failures, 1);
    assert.equal(state.lastError?.code, 'DOCKER.OPERATION_FAILED');
  });

  test('given a failure whose next attempt is not due, then the gate is closed until then and the periodic pass does nothing', () => {
    const s = failedAt(0);
    assert.deepEqual(operationGate(s, at(999)), { go: false, until: at(1000), why: `start failed 1 times; next attempt at ${at(1000)}` });
    assert.deepEqual(operationGate(s, at(1000)), { go: true });
  });

  test('given a failure not yet due, when it is reported again, then nothing is recorded', () => {
    const decision = backoff
      .given(failuresAt(0))
      .when({ failure: portTaken, now: at(500) })
      .then([]);
    assert.equal(decision.alert, null);
  });

  test('given two failures, when the third attempt fails, then the count goes on and the wait doubles', () => {
    const decision = backoff
      .given(failuresAt(0, 1000))
      .when({ failure: portTaken, now: at(3000) })
      .then([operationFailed(portTaken, 3, at(3000 + 4000))]);
    assert.equal(decision.failures, 3);
    assert.equal(decision.nextAttemptAt, at(3000 + 4000));
  });

  test('given limit - 1 failures, when the last attempt fails, then no next attempt, a critical alert says why, and the gate stays closed for ever', () => {
    const spec = backoff.given(failuresAt(0, 1000, 3000));
    const decision = spec.when({ failure: portTaken, now: at(7000) }).then([operationFailed(portTaken, 4, null)]);
    assert.equal(decision.failures, 4);
    assert.equal(decision.nextAttemptAt, null);
    assert.equal(decision.alert?.severity, 'critical');
    assert.equal(decision.alert?.key, operationAlertKey(spec.state.agentId));
    assert.match(decision.alert.message, /Docker start failed 4 times in a row \(DOCKER\.OPERATION_FAILED: .*port is already allocated\)/);
    const state = failedAt(0, 1000, 3000, 7000);
    assert.equal(state.operationFailure?.gaveUp, true);
    assert.deepEqual(operationGate(state, at(10 * 3_600_000)), { go: false, until: null, why: 'start failed 4 times (DOCKER.OPERATION_FAILED); waiting for an operator' });
    // nothing more is recorded after giving up
    backoff
      .given(failuresAt(0, 1000, 3000, 7000))
      .when({ failure: portTaken, now: at(10 * 3_600_000) })
      .then([]);
  });

  test('the number of failure events is bounded by the limit, however many passes run', () => {
    let s = given(deployed());
    let events = 0;
    for (let t = 0; t < 3_600_000; t += 100) {
      if (!operationGate(s, at(t)).go) continue;
      const r = when(s, portTaken, at(t));
      events += r.decision.events.length;
      s = r.state;
    }
    assert.equal(events, policy.limit);
  });

  test('given an agent that gave up, when an operator starts, restarts or stops it, then the back-off starts afresh', () => {
    const gaveUp = failedAt(0, 1000, 3000, 7000);
    for (const type of ['agent.start_requested', 'agent.restart_requested', 'agent.stop_requested'] as const) {
      const s = evolveAgent(gaveUp, event(type, type === 'agent.restart_requested' ? { restartSeq: 1 } : {}));
      assert.equal(s.operationFailure, null, type);
      assert.deepEqual(operationGate(s, at(7001)), { go: true });
      assert.equal(when(s, portTaken, at(7001)).decision.failures, 1, type);
    }
  });

  test('given an agent whose start keeps failing, when an operator sends start or stop, then the decider records it (a reset), where it would otherwise change nothing', () => {
    const start = agent
      .given(failuresAt(0, 1000, 3000, 7000))
      .when({ type: 'start' })
      .then([{ type: 'agent.start_requested', data: { agentId: AGENT_ID } }]);
    assert.equal(start.result.changed, true);
    // a start on its way, nothing failing: unchanged
    agent.given([deployed()]).when({ type: 'start' }).then([]);
    agent
      .given([
        deployed(),
        event('agent.stop_requested'),
        event('agent.operation_failed', { operation: 'stop', code: 'X', message: 'm', failures: 4, limit: 4, nextAttemptAt: null }),
      ])
      .when({ type: 'stop' })
      .then([{ type: 'agent.stop_requested', data: { agentId: AGENT_ID } }]);
    const removing = agent.given([
      deployed(),
      event('agent.remove_requested'),
      event('agent.operation_failed', { operation: 'remove', code: 'X', message: 'm', failures: 4, limit: 4, nextAttemptAt: null }),
    ]);
    removing.when({ type: 'remove' }).then([{ type: 'agent.remove_requested', data: { agentId: AGENT_ID } }]);
    assert.equal(evolveAgent(removing.state.agent, event('agent.remove_requested')).operationFailure, null);
  });

  test('given failures, when the container finally starts, then the back-off is cleared', () => {
    const s = evolveAgent(failedAt(0, 1000), event('agent.container_started', { containerId: 'c1' }));
    assert.equal(s.operationFailure, null);
  });

  test('given an agent that gave up, when it runs again after an operator restart, then its alert is resolved; a plain success resolves nothing', () => {
    const gaveUp = failedAt(0, 1000, 3000, 7000);
    assert.equal(gaveUp.operationAlertOpen, true);
    const restarted = evolveAgent(gaveUp, event('agent.restart_requested', { restartSeq: 1 }));
    assert.equal(operationAlertResolution(gaveUp, restarted), null, 'asking is not yet succeeding');
    const running = evolveAgent(restarted, event('agent.container_restarted', { containerId: 'c1', restartSeq: 1 }));
    assert.deepEqual(operationAlertResolution(restarted, running), {
      key: operationAlertKey(gaveUp.agentId),
      agentId: gaveUp.agentId,
      message: 'coder-1 is running again: the failing Docker operation went through',
    });
    const fine = given(deployed());
    assert.equal(operationAlertResolution(fine, evolveAgent(fine, event('agent.container_started', { containerId: 'c1' }))), null);
  });

  test('a different error does not reset the count: alternating failures still reach the limit', () => {
    const other: OperationFailure = { operation: 'create', code: 'DOCKER.IMAGE_NOT_FOUND', message: 'no such image' };
    const decision = backoff
      .given(failuresAt(0, 1000))
      .when({ failure: other, now: at(3000) })
      .then([operationFailed(other, 3, at(3000 + 4000))]);
    assert.equal(decision.failures, 3);
    assert.equal(recorded(decision, at(3000)).reduce(evolveAgent, failedAt(0, 1000)).operationFailure?.code, 'DOCKER.IMAGE_NOT_FOUND');
  });

  test('given the Docker engine is down, then it is retried at the capped delay and never given up on', () => {
    const down: OperationFailure = { operation: 'create', code: 'DOCKER.UNAVAILABLE', message: 'connect ENOENT /var/run/docker.sock' };
    let s = given(deployed());
    let t = 0;
    for (let i = 1; i <= 10; i++) {
      const r = when(s, down, at(t));
      assert.equal(r.decision.alert, null);
      assert.ok(r.decision.nextAttemptAt, `attempt ${i} has a next one`);
      s = r.state;
      t = Date.parse(r.decision.nextAttemptAt) - T0;
    }
    assert.equal(operationRetryDelay(policy, 10), policy.maxMs, 'at most one event per maxMs: bounded per hour');
  });

  test('Docker ids in messages do not make a failure distinct', () => {
    assert.equal(normalizeFailureMessage('endpoint sacp-x (3f2a9c0e1b2d3c4e): port'), normalizeFailureMessage('endpoint sacp-x (9a8b7c6d5e4f3a2b): port'));
  });

  test('version 1 records (no back-off) are still read: counted, and the next attempt runs at once', () => {
    const v1 = (n: number) =>
      ({ type: 'agent.operation_failed', data: { agentId: 'a', operation: 'start', code: 'X', message: `m${n}` }, metadata: { occurredAt: at(n) } }) as unknown as EvolvableEvent;
    const s = [v1(0), v1(1), v1(2)].reduce(evolveAgent, given(deployed()));
    assert.equal(s.operationFailure?.failures, 3);
    assert.equal(s.operationFailure?.gaveUp, false);
    assert.deepEqual(operationGate(s, at(3)), { go: true });
    assert.equal(s.lastError?.message, 'm2');
    // a store full of old records gives up on the next failure instead of retrying for ever
    const many = Array.from({ length: 10 }, (_, i) => v1(i)).reduce(evolveAgent, given(deployed()));
    assert.equal(when(many, portTaken, at(20)).decision.nextAttemptAt, null);
  });
});
