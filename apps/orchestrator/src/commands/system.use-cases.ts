import { DomainError } from '@sacp/domain';
import { ErrorCodes, newEvent, type CommandEnvelope, type RefuseAccessPayloadV1 } from '@sacp/events';
import type { AppendRequest, PgEventStore, Projector } from '@sacp/event-store';
import type { SecretStore } from '../secrets/secret-store';
import type { TemplateCatalog } from '../templates/template-catalog';
import type { UseCaseOutcome } from './command-pipeline';

/** template.sync: every changed, valid template file becomes a new version; invalid files are reported. */
export async function syncTemplates(deps: { catalog: TemplateCatalog }): Promise<UseCaseOutcome> {
  const { templates, problems } = deps.catalog.readAll();
  const appends: AppendRequest[] = [];
  const registered: { name: string; version: number }[] = [];
  const unchanged: { name: string; version: number }[] = [];
  for (const t of templates) {
    const r = await deps.catalog.resolve(t.template.name);
    if (r.registration) {
      appends.push(r.registration);
      registered.push({ name: r.ref.name, version: r.ref.version });
    } else unchanged.push({ name: r.ref.name, version: r.ref.version });
  }
  return { appends, result: { registered, unchanged, problems }, target: 'the template registry' };
}

/** system.replay: rebuild every read model from the events table after the command is recorded. */
export async function replayProjections(deps: { projector: Projector }): Promise<UseCaseOutcome> {
  return {
    appends: [],
    result: {},
    target: 'the read models',
    afterCommit: async () => {
      const started = Date.now();
      const { events } = await deps.projector.rebuild();
      return { events, millis: Date.now() - started };
    },
  };
}

/**
 * secret.set: the encrypted value, the grant and their events commit together. Without
 * a value only the grant changes, so an admin can grant a secret without knowing it.
 */
export async function setSecret(
  cmd: { payload: { name: string; value?: string; templates?: string[] } },
  deps: { secrets: SecretStore; store: PgEventStore },
): Promise<UseCaseOutcome> {
  const { name, value } = cmd.payload;
  const templates = cmd.payload.templates && [...new Set(cmd.payload.templates)].sort();
  const streamId = `secret-${name}`;
  const expectedVersion = await deps.store.streamVersion(streamId);
  const current = await deps.secrets.currentVersion(name);
  if (value === undefined && current === 0)
    throw new DomainError(
      ErrorCodes.SECRET_NOT_FOUND,
      `secret "${name}" is not stored, so there is nothing to grant; store it with: sacp secret set ${name} --templates ${(templates ?? []).join(',') || '<template,...>'}`,
      {
        secret: name,
      },
    );
  const version = value === undefined ? current : current + 1;
  const granted = templates ?? (await deps.secrets.grants(name)) ?? [];
  return {
    appends: [
      {
        streamId,
        expectedVersion,
        events: [...(value !== undefined ? [newEvent('secret.set', { name, version })] : []), ...(templates ? [newEvent('secret.granted', { name, templates })] : [])],
      },
    ],
    result: { name, version, templates: granted },
    target: `secret "${name}"`,
    alsoInTransaction: async (client) => {
      if (value !== undefined) await deps.secrets.put(client, name, value);
      if (templates) await deps.secrets.grant(client, name, templates);
    },
  };
}

/**
 * access.refuse: a front door refused a command for lack of a role. The refusal is an
 * event on the actor's access stream and an audit entry for the refused command.
 */
export async function refuseAccess(cmd: CommandEnvelope<RefuseAccessPayloadV1>, deps: { store: PgEventStore }): Promise<UseCaseOutcome> {
  const streamId = `access-${cmd.actor.kind}-${cmd.actor.id}`.slice(0, 200);
  const expectedVersion = await deps.store.streamVersion(streamId);
  const p = cmd.payload;
  return {
    appends: [
      {
        streamId,
        expectedVersion,
        events: [newEvent('access.refused', { command: p.command, arguments: p.arguments, required: p.required, held: p.held, message: p.message })],
      },
    ],
    result: { refused: p.command },
    target: `the access log of ${cmd.actor.displayName}`,
    alsoInTransaction: async (client) => {
      await client.query(
        `insert into command_audit (command_id, command_type, actor, source, reason, outcome, error_code, message, payload)
         values ($1, $2, $3, $4, $5, 'refused', 'ACCESS.DENIED', $6, $7)`,
        [cmd.commandId, p.command, JSON.stringify(cmd.actor), cmd.source, cmd.reason ?? null, p.message, JSON.stringify(p.arguments)],
      );
    },
  };
}
