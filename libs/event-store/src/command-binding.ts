/** What a command id is bound to once a command used it. */
export interface CommandBinding {
  commandType: string;
  /** sha-256 of the command's canonical payload; null for commands recorded before ids were bound */
  payloadHash: string | null;
  actorKind: string | null;
}

/** A command id's first outcome and what it was bound to. */
export interface StoredCommand extends CommandBinding {
  outcome: string;
  reply: unknown;
  recordedAt: string;
}

export type BindingMismatch = 'type' | 'payload' | 'actor';

/** How `next` differs from the command that first used the id; null when it is the same command (a duplicate). */
export function bindingMismatch(first: CommandBinding, next: CommandBinding): BindingMismatch | null {
  if (first.commandType !== next.commandType) return 'type';
  // an older row has no hash or actor kind: its type is all it binds
  if (first.payloadHash !== null && next.payloadHash !== null && first.payloadHash !== next.payloadHash) return 'payload';
  if (first.actorKind !== null && next.actorKind !== null && first.actorKind !== next.actorKind) return 'actor';
  return null;
}

/** The same command id on another command: refused, nothing recorded. */
export class CommandIdReusedError extends Error {
  override readonly name = 'CommandIdReusedError';
  readonly code = 'COMMAND.ID_REUSED';
  constructor(
    readonly commandId: string,
    readonly first: StoredCommand,
    readonly mismatch: BindingMismatch,
  ) {
    const what = mismatch === 'type' ? 'another command type' : mismatch === 'payload' ? 'the same type with another payload' : 'another kind of sender';
    super(
      `command id "${commandId}" was already used by the command ${first.commandType} (recorded ${first.recordedAt}); this command (${what}) was not run: send it with a new command id`,
    );
  }
}

/** A duplicate returns the first outcome; the same id on another command is refused. */
export function checkBinding(commandId: string, first: StoredCommand, next: CommandBinding): void {
  const mismatch = bindingMismatch(first, next);
  if (mismatch) throw new CommandIdReusedError(commandId, first, mismatch);
}
