import assert from 'node:assert/strict';
import { describe, test } from '@jest/globals';
import { COMMAND_TYPES, maySend, SENDER_COMMANDS, SENDER_KINDS, parseCommandSubject, Subjects } from '@sacp/events';

describe('who may send what', () => {
  test('every command type has a sender, and every listed type exists', () => {
    for (const t of COMMAND_TYPES)
      assert.ok(
        SENDER_KINDS.some((k) => maySend(k, t)),
        `${t} has no sender: add it to SENDER_COMMANDS`,
      );
    for (const k of SENDER_KINDS) for (const t of SENDER_COMMANDS[k]) assert.ok((COMMAND_TYPES as readonly string[]).includes(t), `${k}: ${t}`);
  });

  test('the system (monitor) cannot deploy, remove, adopt or set secrets; front doors cannot raise alerts or schedule restarts', () => {
    for (const t of ['agent.deploy', 'agent.remove', 'agent.adopt', 'secret.set', 'system.replay']) assert.equal(maySend('system', t), false, t);
    for (const k of ['cli', 'discord', 'api'] as const)
      for (const t of ['alert.raise', 'alert.resolve', 'agent.schedule_restart', 'agent.abandon_recovery', 'agent.report_health']) assert.equal(maySend(k, t), false, `${k} ${t}`);
    assert.equal(maySend('cli', 'access.refuse'), false, 'the CLI checks no roles, so it reports no refusals');
  });

  test('users and tokens are managed only from the CLI and the API, never from Discord or the monitor', () => {
    for (const t of ['user.add', 'user.set_role', 'user.remove', 'token.create', 'token.revoke']) {
      assert.equal(maySend('cli', t), true, `cli ${t}`);
      assert.equal(maySend('api', t), true, `api ${t}`);
      assert.equal(maySend('discord', t), false, `discord ${t}`);
      assert.equal(maySend('system', t), false, `system ${t}`);
    }
  });

  test('operators acknowledge alerts from the CLI and the API; the monitor raises and resolves them but never acknowledges', () => {
    assert.equal(maySend('cli', 'alert.acknowledge'), true);
    assert.equal(maySend('api', 'alert.acknowledge'), true);
    assert.equal(maySend('system', 'alert.acknowledge'), false);
  });

  test('command subjects carry the kind, and parse back', () => {
    assert.equal(Subjects.command('agent.stop', 'cli'), 'sacp.cmd.agent.stop.cli');
    assert.deepEqual(parseCommandSubject('sacp.cmd.agent.schedule_restart.system'), { type: 'agent.schedule_restart', kind: 'system' });
    assert.equal(parseCommandSubject('sacp.cmd.agent.stop'), null);
    assert.equal(parseCommandSubject('sacp.qry.agent.status.cli'), null);
  });
});
