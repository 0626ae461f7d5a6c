import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import type { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NatsConnection } from '@nats-io/nats-core';
import { requestJson } from '@sacp/bus';
import { BusServer } from '@sacp/bus/nest';
import { DockerDriver } from '@sacp/docker';
import { CommandAudit, CredentialRepository, EventStore, Projector, TaskRepository } from '@sacp/event-store';
import { COMMAND_TYPES, QueryContracts, Subjects, type CommandReply } from '@sacp/events';
import { JsonLogger, Metrics, logContext } from '@sacp/platform';
import { CONFIG, LOGGER } from '@sacp/platform/nest';
import { AgentCommandsController } from '../../../apps/orchestrator/src/commands/agent-commands.controller';
import { AlertCommandsController } from '../../../apps/orchestrator/src/commands/alert-commands.controller';
import { AlertsReader } from '../../../apps/orchestrator/src/queries/alerts.reader';
import { AgentLocator } from '../../../apps/orchestrator/src/commands/agent-locator';
import { CommandAccess } from '../../../apps/orchestrator/src/commands/command-access';
import { CommandPipeline } from '../../../apps/orchestrator/src/commands/command-pipeline';
import { Commands } from '../../../apps/orchestrator/src/commands/commands';
import { RecoveryCommandsController } from '../../../apps/orchestrator/src/commands/recovery-commands.controller';
import { SystemCommandsController } from '../../../apps/orchestrator/src/commands/system-commands.controller';
import { UsersCommandsController } from '../../../apps/orchestrator/src/commands/users-commands.controller';
import { AgentRegistryReader } from '../../../apps/orchestrator/src/queries/agent-registry.reader';
import { SecretStore } from '../../../apps/orchestrator/src/secrets/secret-store';
import { TemplateCatalog } from '../../../apps/orchestrator/src/templates/template-catalog';
import { TeamCommandsController } from '../../../apps/orchestrator/src/teams/team-commands.controller';
import { VolumeCommandsController } from '../../../apps/orchestrator/src/volumes/volumes.controller';
import { VolumeSizes } from '../../../apps/orchestrator/src/volumes/volume-sizes';
import { ControlPlaneLabels } from '../../../apps/orchestrator/src/reconcile/control-plane-labels';
import { TeamFiles } from '../../../apps/orchestrator/src/teams/team-files';
import { TeamLocator } from '../../../apps/orchestrator/src/teams/team-locator';
import { TASK_AGENT_CHANNEL } from '../../../apps/orchestrator/src/tasks/agent-channel.port';
import { TaskCommandsController } from '../../../apps/orchestrator/src/tasks/task-commands.controller';
import { TaskLocator } from '../../../apps/orchestrator/src/tasks/task-locator';
import { testEventStore, type TestEventStore } from '../../support/event-store';
import { startNats, type TestNats } from '../../support/nats-server';

type Line = Record<string, unknown> & { msg: string };

/** The service's logger, keeping each line with the log context it was written in. */
class RecordingLogger extends JsonLogger {
  readonly lines: Line[] = [];
  override write(_level: 'debug' | 'info' | 'warn' | 'error', msg: string, extra: Record<string, unknown> = {}): void {
    this.lines.push({ ...logContext(), msg, ...extra });
  }
}

const DISCORD_USER = { kind: 'discord' as const, id: '1189403234567890123', displayName: 'bob' };
const CLI_USER = { kind: 'cli' as const, id: 'tester', displayName: 'Tester' };
const envelope = (
  type: string,
  actor: { kind: string; id: string; displayName: string },
  payload: unknown,
  extra: { correlationId?: string } = {},
): { commandId: string; correlationId?: string } & Record<string, unknown> => ({
  type,
  version: 1,
  commandId: randomUUID(),
  actor,
  source: 'test',
  payload,
  ...extra,
});

const counted = async (type: string, outcome: string) => (await Metrics.commands.get()).values.find((v) => v.labels.type === type && v.labels.outcome === outcome)?.value ?? 0;

/**
 * The orchestrator's command handlers as a Nest module (no process spawned) on the
 * real bus transport, NATS and Postgres: routing by subject, the sender check, the
 * one exception filter, the log context and the command metrics.
 */
describe('command handling: controllers, sender check, exception filter, log context and metrics (real NATS and Postgres)', () => {
  let nats: TestNats;
  let es: TestEventStore;
  let app: INestMicroservice;
  let server: BusServer;
  let cli: NatsConnection;
  let gateway: NatsConnection;
  const log = new RecordingLogger('orchestrator', 'debug');

  beforeAll(async () => {
    [nats, es] = await Promise.all([startNats(), testEventStore()]);
    const unused = {};
    const module = await Test.createTestingModule({
      controllers: [
        AgentCommandsController,
        AlertCommandsController,
        RecoveryCommandsController,
        SystemCommandsController,
        UsersCommandsController,
        TeamCommandsController,
        VolumeCommandsController,
        TaskCommandsController,
      ],
      providers: [
        Commands,
        CommandAccess,
        CommandPipeline,
        AgentLocator,
        TeamLocator,
        { provide: EventStore, useValue: es.store },
        { provide: CommandAudit, useValue: new CommandAudit(es.dataSource) },
        { provide: LOGGER, useValue: log },
        { provide: CONFIG, useValue: { SACP_INSTANCE: 'test', SACP_COMPOSE_PROJECT: '' } },
        // what no command below reaches
        { provide: TemplateCatalog, useValue: unused },
        { provide: SecretStore, useValue: unused },
        { provide: DockerDriver, useValue: unused },
        { provide: AgentRegistryReader, useValue: unused },
        { provide: Projector, useValue: unused },
        { provide: CredentialRepository, useValue: unused },
        { provide: AlertsReader, useValue: unused },
        { provide: VolumeSizes, useValue: unused },
        { provide: ControlPlaneLabels, useValue: unused },
        { provide: TeamFiles, useValue: unused },
        TaskLocator,
        { provide: TaskRepository, useValue: unused },
        { provide: TASK_AGENT_CHANNEL, useValue: unused },
      ],
    }).compile();
    server = new BusServer({ url: nats.url, name: 'test-orchestrator', credentials: nats.credential('orchestrator'), queue: 'sacp-orchestrator' });
    app = module.createNestMicroservice({ strategy: server, logger: log });
    await app.listen();
    cli = await nats.connectAs('cli', { reconnect: false });
    gateway = await nats.connectAs('discord-gateway', { reconnect: false });
  });
  afterAll(async () => {
    await cli?.close();
    await gateway?.close();
    await app?.close();
    await es?.close();
    await nats?.stop();
  });

  test('every command type has a handler, on the subjects of every sender kind', () => {
    const patterns = [...server.getHandlers().keys()].sort();
    assert.deepEqual(patterns, COMMAND_TYPES.map((t) => Subjects.commandOf(t)).sort());
    assert.ok(Object.keys(QueryContracts).length > 0);
  });

  test('a rejected command: the reply names the problem, and every line of its handling carries its correlationId, commandId and type; it is counted by outcome', async () => {
    const before = await counted('agent.stop', 'AGENT.NOT_FOUND');
    const cmd = envelope('agent.stop', CLI_USER, { agent: 'nobody' }, { correlationId: `corr-${randomUUID()}` });
    const reply = await requestJson<CommandReply>(cli, Subjects.command('agent.stop', 'cli'), cmd, 10_000);
    assert.equal(!reply.ok && reply.error.code, 'AGENT.NOT_FOUND', JSON.stringify(reply));
    assert.equal(reply.commandId, cmd.commandId);
    const lines = log.lines.filter((l) => l.commandId === cmd.commandId);
    assert.ok(
      lines.some((l) => l.msg === 'command rejected'),
      JSON.stringify(log.lines.slice(-5)),
    );
    for (const l of lines) assert.deepEqual([l.correlationId, l.commandType], [cmd.correlationId, 'agent.stop'], JSON.stringify(l));
    assert.equal(await counted('agent.stop', 'AGENT.NOT_FOUND'), before + 1);
    const histogram = (await Metrics.commandDuration.get()).values.find(
      (v) => v.labels.type === 'agent.stop' && v.labels.outcome === 'AGENT.NOT_FOUND' && v.metricName?.endsWith('_count'),
    );
    assert.ok((histogram?.value ?? 0) >= 1, 'and timed');
  });

  test('an accepted command replies after the commit with its events, correlated by its command id when it names no correlationId', async () => {
    const cmd = envelope('access.refuse', DISCORD_USER, { command: 'agent.stop', arguments: { agent: 'x' }, required: 'operator', held: 'viewer', message: 'bob may not' });
    const reply = await requestJson<CommandReply>(gateway, Subjects.command('access.refuse', 'discord'), cmd, 10_000);
    assert.ok(reply.ok && reply.events.length === 1, JSON.stringify(reply));
    const accepted = log.lines.find((l) => l.msg === 'command accepted' && l.commandId === cmd.commandId);
    assert.equal(accepted?.correlationId, cmd.commandId);
    assert.ok((await counted('access.refuse', 'ok')) >= 1);
  });

  test('a sender claiming a kind it is not: ACCESS.DENIED through the filter, audited, counted', async () => {
    const cmd = envelope('agent.stop', { kind: 'system', id: 'monitor', displayName: 'monitor' }, { agent: 'x' });
    const reply = await requestJson<CommandReply>(gateway, Subjects.command('agent.stop', 'discord'), cmd, 10_000);
    assert.equal(!reply.ok && reply.error.code, 'ACCESS.DENIED');
    assert.deepEqual(!reply.ok && reply.error.details, { subject: 'sacp.cmd.agent.stop.discord' });
    assert.equal(reply.commandId, cmd.commandId);
    const { rows } = await es.pool.query<{ outcome: string }>('select outcome from command_audit where command_id = $1', [cmd.commandId]);
    assert.deepEqual(
      rows.map((r) => r.outcome),
      ['refused'],
    );
    assert.ok((await counted('agent.stop', 'ACCESS.DENIED')) >= 1);
  });

  test('bodies that cannot be read: malformed JSON and a command over COMMAND_MAX_BYTES get their errors, the oversized one audited', async () => {
    const malformed = (await cli.request(Subjects.command('agent.stop', 'cli'), '{"type": "agent.st', { timeout: 10_000 })).json<CommandReply>();
    assert.deepEqual(!malformed.ok && [malformed.error.code, malformed.commandId], ['COMMAND.MALFORMED', null]);
    const big = envelope('agent.deploy', CLI_USER, { template: 'sim', name: 'big', padding: 'x'.repeat(300 * 1024) });
    const tooLarge = await requestJson<CommandReply>(cli, Subjects.command('agent.deploy', 'cli'), big, 10_000);
    assert.equal(!tooLarge.ok && tooLarge.error.code, 'COMMAND.TOO_LARGE');
    assert.match(!tooLarge.ok ? tooLarge.error.message : '', /limit is 262144 bytes \(COMMAND_MAX_BYTES\)/);
    assert.equal(tooLarge.commandId, null, 'an unread body names no command id');
    const { rows } = await es.pool.query<{ error_code: string }>("select error_code from command_audit where outcome = 'malformed' and command_type = 'agent.deploy'");
    assert.deepEqual(
      rows.map((r) => r.error_code),
      ['COMMAND.TOO_LARGE'],
    );
    assert.ok((await counted('agent.deploy', 'COMMAND.TOO_LARGE')) >= 1);
  });
});
