/*
 * Given / When / Then for the pure deciders of libs/domain:
 *
 *   given([deployed()]).when({ type: 'stop' }).then([{ type: 'agent.stop_requested', data: { agentId } }]);
 *   given([deployed(), removed]).when({ type: 'stop' }).then({ error: 'AGENT.REMOVED', message: /has been removed/ });
 *
 * Given: the events already recorded, folded with the decider's evolve. When: one command,
 * decided on that state. Then: exactly the events it decides (type and data; the stream and
 * the schema version where the expectation names them), or the domain error it refuses
 * with. `then` returns the decision (or the error) for anything more to check.
 */
import assert from 'node:assert/strict';
import { DomainError, type EvolvableEvent } from '@sacp/domain';

/** One event a decision appends. */
export interface DecidedEvent {
  /** the stream it is appended to, for deciders whose decisions span streams */
  stream?: string;
  type: string;
  schemaVersion?: number;
  data: unknown;
}

/** A pure decider, as the specs drive it. */
export interface Decider<Command, State, Decision> {
  initialState(): State;
  evolve(state: State, event: EvolvableEvent): State;
  decide(command: Command, state: State): Decision;
  /** the events a decision appends, in order */
  appended(decision: Decision): DecidedEvent[];
}

/** A refusal: the domain error's code, and what its message says. */
export interface ExpectedError {
  error: string;
  message?: RegExp;
}

interface Then<Decision> {
  /** the decision appends exactly these events, in this order (`[]`: nothing) */
  then(events: DecidedEvent[]): Decision;
  /** the command is refused with this domain error */
  then(error: ExpectedError): DomainError;
}

export interface Given<Command, State, Decision> {
  /** the state the given events fold into */
  readonly state: State;
  when(command: Command): Then<Decision>;
}

const describeError = (err: unknown) => (err instanceof Error ? `${(err as { code?: string }).code ?? err.name}: ${err.message}` : String(err));

export function deciderSpec<Command, State, Decision>(decider: Decider<Command, State, Decision>) {
  function given(events: EvolvableEvent[]): Given<Command, State, Decision> {
    const state = events.reduce((s, e) => decider.evolve(s, e), decider.initialState());
    return {
      state,
      when(command: Command): Then<Decision> {
        const decide = (): { decision: Decision } | { error: unknown } => {
          try {
            return { decision: decider.decide(command, state) };
          } catch (error) {
            return { error };
          }
        };
        function then(events: DecidedEvent[]): Decision;
        function then(error: ExpectedError): DomainError;
        function then(expected: DecidedEvent[] | ExpectedError): Decision | DomainError {
          const outcome = decide();
          if (Array.isArray(expected)) {
            if ('error' in outcome) assert.fail(`expected ${expected.length} event(s), but the command was refused: ${describeError(outcome.error)}`);
            // compare what the expectation names: the stream and schema version where it gives them
            const actual = decider.appended(outcome.decision).map((e, i) => {
              const want: Partial<DecidedEvent> = expected[i] ?? {};
              return {
                ...('stream' in want ? { stream: e.stream } : {}),
                type: e.type,
                ...('schemaVersion' in want ? { schemaVersion: e.schemaVersion } : {}),
                data: e.data,
              };
            });
            assert.deepEqual(actual, expected, 'the events decided');
            return outcome.decision;
          }
          if ('decision' in outcome) {
            const decided = decider.appended(outcome.decision).map((e) => e.type);
            assert.fail(`expected the command to be refused with ${expected.error}, but it was decided: [${decided.join(', ')}]`);
          }
          const err = outcome.error;
          if (!(err instanceof DomainError)) assert.fail(`expected a DomainError ${expected.error}, but it threw ${describeError(err)}`);
          assert.equal(err.code, expected.error, `refused with ${describeError(err)}`);
          if (expected.message) assert.match(err.message, expected.message);
          return err;
        }
        return { then };
      },
    };
  }
  return { given };
}
