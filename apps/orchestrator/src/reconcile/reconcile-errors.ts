/** A Docker operation (or what it needs: secrets, the policy) failed; recorded with back-off, never thrown past the pass. */
export class OperationFailure extends Error {
  constructor(
    readonly operation: 'create' | 'start' | 'stop' | 'restart' | 'remove',
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** The leader lease ran out between two steps: stop here, quietly; the new leader carries on. */
export class LeaseLost extends Error {
  constructor() {
    super('no longer the leader');
  }
}

/**
 * One reconcile pass's view of whether it may still act: active and holding the
 * leader lease, asked before every Docker operation and append, so a replica that
 * was frozen and resumes does no work before its lock's own timers have told it so.
 */
export type Live = () => boolean;
