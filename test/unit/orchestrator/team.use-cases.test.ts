import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import { templateHash, TemplateSchema, DomainError, type Template } from '@sacp/domain';
import { InMemoryEventStore, type EventStore } from '@sacp/event-store';
import type { CommandEnvelope, EventMetadata } from '@sacp/events';
import { AgentLocator } from '../../../apps/orchestrator/src/commands/agent-locator';
import { changeAgent, deployAgent } from '../../../apps/orchestrator/src/commands/agent.use-cases';
import type { UseCaseOutcome } from '../../../apps/orchestrator/src/commands/command-pipeline';
import type { TemplateCatalog } from '../../../apps/orchestrator/src/templates/template-catalog';
import { TeamFiles } from '../../../apps/orchestrator/src/teams/team-files';
import { TeamLocator } from '../../../apps/orchestrator/src/teams/team-locator';
import { addMember, deployTeam, stopTeam } from '../../../apps/orchestrator/src/teams/team-members.use-cases';
import { changeTeam, createTeam } from '../../../apps/orchestrator/src/teams/team.use-cases';
import { REPO_ROOT } from '../../support/service-process';
import { join } from 'node:path';

const metadata: EventMetadata = {
  commandId: 'c',
  correlationId: 'c',
  causationId: null,
  actor: { kind: 'cli', id: 'root', displayName: 'root' },
  source: 'test',
  reason: null,
  occurredAt: '2026-11-30T10:00:00.000Z',
};
const cmd = <P>(payload: P) => ({ commandId: 'c', type: 't', version: 1, actor: metadata.actor, source: 'test', payload }) as unknown as CommandEnvelope<P>;
const MIB = 1024 ** 2;

/** The shipped templates' limits, as a catalog that registers nothing (every version is 1). */
function fakeCatalog(): TemplateCatalog {
  const limits: Record<string, Template['resources']> = {
    manager: { memory: '128m', cpus: 0.25, pids: 64 },
    grok4: { memory: '256m', cpus: 0.5, pids: 128 },
    claude: { memory: '256m', cpus: 0.5, pids: 128 },
  };
  const template = (name: string) => TemplateSchema.parse({ name, image: 'sacp/sim-agent:latest', resources: limits[name] });
  return {
    async resolve(name: string) {
      if (!limits[name]) throw new DomainError('TEMPLATE.NOT_FOUND', `no template ${name}`);
      const t = template(name);
      return { ref: { name, version: 1, hash: templateHash(t) }, template: t, registration: null };
    },
    async definitionAt(name: string) {
      return template(name);
    },
  } as unknown as TemplateCatalog;
}

async function commit(store: EventStore, outcome: UseCaseOutcome): Promise<Record<string, unknown>> {
  await store.append(outcome.appends, metadata);
  return outcome.result;
}

function setup() {
  const store = new InMemoryEventStore();
  const teams = new TeamLocator(store);
  const agents = new AgentLocator(store);
  const files = new TeamFiles(join(REPO_ROOT, 'configs'));
  const catalog = fakeCatalog();
  const secrets = { assertGranted: async () => undefined };
  return { store, teams, agents, files, catalog, secrets, deps: { teams, agents, catalog, secrets } };
}

describe('team use cases: from the shipped configuration to the events', () => {
  test('create from configs/teams/coding.json, deploy every member in one command, then deploying again changes nothing', async () => {
    const s = setup();
    const created = await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    assert.equal(created.team, 'coding');
    const outcome = await deployTeam(cmd({ team: 'coding' }), s.deps);
    const types = outcome.appends.flatMap((a) => a.events.map((e) => e.type));
    assert.deepEqual(types.filter((t) => t === 'agent.deployed').length, 3);
    const r = await commit(s.store, outcome);
    assert.deepEqual(r.deployed, ['coding-manager', 'coding-coder', 'coding-reviewer']);
    assert.deepEqual(r.usage, { memory: 640 * MIB, cpus: 1.25, pids: 320 });
    const team = await s.teams.resolve('coding');
    assert.deepEqual(
      Object.values(team.members).map((m) => [m.agent, m.member, m.role]),
      [
        ['coding-manager', 'manager', 'manager'],
        ['coding-coder', 'coder', 'coder'],
        ['coding-reviewer', 'reviewer', 'reviewer'],
      ],
    );
    const { state } = await s.agents.resolve('coding-coder');
    assert.equal(state.team, 'coding');
    assert.equal(state.teamRole, 'coder');
    const again = await deployTeam(cmd({ team: 'coding' }), s.deps);
    assert.equal(again.appends.length, 0);
    assert.equal(again.result.unchanged && (again.result.unchanged as string[]).length, 3);
  });

  test('stop asks every member to stop; deploy then starts the stopped ones', async () => {
    const s = setup();
    await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    await commit(s.store, await deployTeam(cmd({ team: 'coding' }), s.deps));
    const stop = await commit(s.store, await stopTeam(cmd({ team: 'coding' }), s));
    assert.equal((stop.stopped as string[]).length, 3);
    const redeploy = await commit(s.store, await deployTeam(cmd({ team: 'coding' }), s.deps));
    assert.deepEqual(redeploy.deployed, []);
    assert.equal((redeploy.started as string[]).length, 3);
  });

  test('agent.deploy into the team past its quota is refused with the numbers; removing a member frees its share', async () => {
    const s = setup();
    await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    await commit(s.store, await deployTeam(cmd({ team: 'coding' }), s.deps));
    await assert.rejects(
      deployAgent(cmd({ template: 'grok4', name: 'coder-2', team: 'coding' }), s.deps),
      (e: DomainError) => e.code === 'TEAM.QUOTA_EXCEEDED' && /memory 640m used \+ 256m asked = 896m > 768m quota/.test(e.message),
    );
    await commit(s.store, await changeAgent('remove', cmd({ agent: 'coding-coder' }), s.deps));
    const team = await s.teams.resolve('coding');
    assert.equal(Object.keys(team.members).length, 2, 'the removed agent left its team');
    const deployed = await commit(s.store, await deployAgent(cmd({ template: 'grok4', name: 'coder-2', team: 'coding', role: 'coder' }), s.deps));
    assert.equal(deployed.team, 'coding');
  });

  test('an existing agent joins past the quota only when the quota is raised; it cannot be in two teams', async () => {
    const s = setup();
    await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    await commit(s.store, await deployTeam(cmd({ team: 'coding' }), s.deps));
    await commit(s.store, await deployAgent(cmd({ template: 'grok4', name: 'solo' }), s.deps));
    await assert.rejects(addMember(cmd({ team: 'coding', agent: 'solo' }), s.deps), (e: DomainError) => e.code === 'TEAM.QUOTA_EXCEEDED');
    const changed = await commit(s.store, await changeTeam(cmd({ team: 'coding', quota: { memory: '2g', cpus: 4, pids: 1024 } }), s));
    assert.equal(changed.configVersion, 2);
    await commit(s.store, await addMember(cmd({ team: 'coding', agent: 'solo', role: 'coder' }), s.deps));
    assert.equal((await s.agents.resolve('solo')).state.team, 'coding');
    await commit(s.store, await createTeam(cmd({ definition: { name: 'other', quota: { memory: '1g', cpus: 1, pids: 256 } } }), s));
    await assert.rejects(addMember(cmd({ team: 'other', agent: 'solo' }), s.deps), (e: DomainError) => e.code === 'TEAM.MEMBERSHIP' && /member of team "coding"/.test(e.message));
  });

  test('single settings: the shared volume and the log retention (null: the global limits) change the configuration', async () => {
    const s = setup();
    await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    const retention = await commit(s.store, await changeTeam(cmd({ team: 'coding', logRetention: { days: 3, maxMb: 64 }, sharedVolume: false }), s));
    assert.equal(retention.configVersion, 2);
    const team = await s.teams.resolve('coding');
    assert.deepEqual([team.config!.logRetention, team.config!.sharedVolume], [{ days: 3, maxMb: 64 }, false]);
    await commit(s.store, await changeTeam(cmd({ team: 'coding', logRetention: null }), s));
    assert.equal((await s.teams.resolve('coding')).config!.logRetention, null);
    await assert.rejects(changeTeam(cmd({ team: 'coding', logRetention: { days: -1 } }), s), (e: DomainError) => e.code === 'TEAM.INVALID' && /logRetention\.days/.test(e.message));
  });

  test('a posted configuration is validated field by field; a second team from the same file takes another name', async () => {
    const s = setup();
    await assert.rejects(
      createTeam(cmd({ definition: { name: 'x', quota: { memory: 'huge', cpus: 1, pids: 64 } } }), s),
      (e: DomainError) => e.code === 'TEAM.INVALID' && /\(posted\): quota\.memory/.test(e.message),
    );
    await commit(s.store, await createTeam(cmd({ config: 'coding' }), s));
    const second = await commit(s.store, await createTeam(cmd({ config: 'coding', name: 'coding-2' }), s));
    assert.equal(second.team, 'coding-2');
    assert.equal((await s.teams.resolve('coding-2')).config!.name, 'coding-2');
    // unchanged content changes nothing
    const same = await changeTeam(cmd({ team: 'coding', config: 'coding' }), s);
    assert.equal(same.appends.length, 0);
  });
});
