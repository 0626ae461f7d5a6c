import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  containerName,
  evolveAgent,
  Labels,
  networkChanges,
  networkUnwanted,
  placeAgent,
  planReconcile,
  soloNetworkName,
  teamNetworkName,
  teamVolumeName,
  wantedNetworks,
  type ContainerSpec,
  type EvolvableEvent,
} from '@sacp/domain';
import { toCreateOptions } from '@sacp/docker';
import { event, given, runningAgent, runningAgentEvents } from '../../factories/agent-events';

const own = { [Labels.managed]: 'true', [Labels.instance]: 'default', [Labels.store]: 's1' };
const spec = (over: Partial<ContainerSpec> = {}): ContainerSpec => ({
  name: 'sacp-coder-1-00000001-g1',
  image: 'sacp/sim-agent:latest',
  env: {},
  labels: { ...own, [Labels.agentId]: 'a1' },
  resources: { memoryBytes: 256 * 2 ** 20, nanoCpus: 5e8, pidsLimit: 128 },
  security: { privileged: false, capAdd: [], capDrop: ['ALL'], noNewPrivileges: true, readOnlyRootfs: false },
  networkMode: 'bridge',
  mounts: [{ type: 'volume', source: 'sacp-000000000001-workspace', target: '/workspace', readOnly: false, volume: 'workspace' }],
  ports: [],
  stopTimeoutSeconds: 10,
  ...over,
});
const coding = { name: 'coding', egress: false, sharedVolume: true };

describe('agent placement: networks, team label, team volume', () => {
  test('names: per team and egress setting (no team name has "_"), one network for agents in no team, an instance prefix beside the default', () => {
    assert.equal(teamNetworkName('default', 'coding', false), 'sacp-team-coding');
    assert.equal(teamNetworkName('default', 'coding', true), 'sacp-team-coding_egress');
    assert.equal(teamNetworkName('ci-7', 'coding', false), 'sacp-ci-7-team-coding');
    assert.equal(soloNetworkName('default'), 'sacp-solo');
    assert.equal(teamVolumeName('default', 'coding'), 'sacp-team-coding-shared');
  });

  test('a team member is on its internal team network with its name as alias, labelled with its team, the shared volume at /team', () => {
    const p = placeAgent(spec(), 'coding-coder', coding, own, 'default');
    assert.equal(p.spec.networkMode, 'sacp-team-coding');
    assert.deepEqual(p.spec.networkAliases, ['coding-coder']);
    assert.equal(p.spec.labels[Labels.team], 'coding');
    assert.deepEqual(
      p.networks.map((n) => [n.name, n.internal, n.labels[Labels.team], n.labels[Labels.network]]),
      [['sacp-team-coding', true, 'coding', 'team']],
    );
    assert.deepEqual(p.spec.mounts.at(-1), { type: 'volume', source: 'sacp-team-coding-shared', target: '/team', readOnly: false, volume: 'team-shared' });
    assert.deepEqual(p.teamVolume, { name: 'sacp-team-coding-shared', labels: { ...own, [Labels.volume]: 'team-shared', [Labels.team]: 'coding' } });
    const options = toCreateOptions(p.spec);
    assert.equal(options.HostConfig?.NetworkMode, 'sacp-team-coding');
    assert.deepEqual(options.NetworkingConfig, { EndpointsConfig: { 'sacp-team-coding': { Aliases: ['coding-coder'] } } });
    assert.equal(options.Labels?.[Labels.team], 'coding');
  });

  test('egress: the team network is not internal; without a shared volume nothing is mounted at /team', () => {
    const p = placeAgent(spec(), 'coding-coder', { ...coding, egress: true, sharedVolume: false }, own, 'default');
    assert.deepEqual(
      p.networks.map((n) => [n.name, n.internal]),
      [['sacp-team-coding_egress', false]],
    );
    assert.equal(p.teamVolume, null);
    assert.ok(!p.spec.mounts.some((m) => m.target === '/team'));
  });

  test('an agent in no team is on the shared network without inter-container traffic, and has no team label', () => {
    const p = placeAgent(spec(), 'solo-1', null, own, 'default');
    assert.equal(p.spec.networkMode, 'sacp-solo');
    assert.equal(p.spec.networkAliases, undefined);
    assert.equal(p.spec.labels[Labels.team], undefined);
    assert.deepEqual(p.networks[0]!.options, { 'com.docker.network.bridge.enable_icc': 'false' });
    // another store under the same instance name may have made it: nothing passes between its containers anyway
    assert.ok(!p.networks[0]!.identity.includes(Labels.store));
    assert.ok(placeAgent(spec(), 'x', coding, own, 'default').networks[0]!.identity.includes(Labels.store), "a team's network must be this store's");
    assert.equal(p.networks[0]!.internal, false);
  });

  test('a template that says network none gets no network, in a team or not; one naming a network keeps it and adds the team network', () => {
    assert.deepEqual(wantedNetworks('none', 'x', coding, own, 'default'), []);
    assert.equal(placeAgent(spec({ networkMode: 'none' }), 'x', coding, own, 'default').spec.networkMode, 'none');
    assert.deepEqual(
      wantedNetworks('lab-net', 'x', coding, own, 'default').map((n) => [n.name, n.managed]),
      [
        ['lab-net', false],
        ['sacp-team-coding', true],
      ],
    );
  });

  test('a template that mounts something at /team keeps it: the shared volume is not added', () => {
    const p = placeAgent(spec({ mounts: [{ type: 'tmpfs', target: '/team', readOnly: false }] }), 'x', coding, own, 'default');
    assert.equal(p.teamVolume, null);
    assert.equal(p.spec.mounts.filter((m) => m.target === '/team').length, 1);
  });

  test('network changes of a running container: join the wanted, leave the rest', () => {
    const wanted = wantedNetworks('bridge', 'x', { name: 'coding', egress: true }, own, 'default');
    assert.deepEqual((({ connect, disconnect }) => [connect.map((n) => n.name), disconnect])(networkChanges(['sacp-team-coding'], wanted)), [
      ['sacp-team-coding_egress'],
      ['sacp-team-coding'],
    ]);
    assert.deepEqual(networkChanges(['sacp-team-coding_egress'], wanted), { connect: [], disconnect: [] });
    // a container made before teams, on Docker's default bridge, moves to the network of agents in no team
    const solo = networkChanges(['bridge'], wantedNetworks('bridge', 'x', null, own, 'default'));
    assert.deepEqual([solo.connect.map((n) => n.name), solo.disconnect], [['sacp-solo'], ['bridge']]);
  });

  test('a team network is unwanted once its team is gone or has the other egress setting; the solo network never', () => {
    const labels = { ...own, [Labels.network]: 'team', [Labels.team]: 'coding' };
    assert.equal(networkUnwanted(labels, 'sacp-team-coding', 'default', { exists: true, egress: false }), false);
    assert.equal(networkUnwanted(labels, 'sacp-team-coding', 'default', { exists: true, egress: true }), true);
    assert.equal(networkUnwanted(labels, 'sacp-team-coding', 'default', { exists: false, egress: false }), true);
    assert.equal(networkUnwanted(labels, 'sacp-team-coding', 'default', null), true);
    assert.equal(networkUnwanted({ ...own, [Labels.network]: 'solo' }, 'sacp-solo', 'default', null), false);
  });
});

describe('a change of team makes a new container generation', () => {
  const teamChanged = (team: string | null) =>
    ({ type: 'agent.team_changed', data: { agentId: 'a1', team, role: null }, metadata: { occurredAt: '2026-11-30T10:00:00.000Z' } }) as EvolvableEvent;

  test('a running agent: a new generation and a run asked for; its old container is stale, then the new one is created', () => {
    const before = runningAgent('x1');
    const after = evolveAgent(before, teamChanged('coding'));
    assert.equal(after.team, 'coding');
    assert.equal(after.generation, before.generation + 1);
    assert.equal(after.startSeqRequested, before.startSeqRequested + 1);
    const old = { id: 'x1', name: before.containerName!, running: true, exitCode: null, oomKilled: false, finishedAt: null };
    const plan = planReconcile(after, [old], '2026-11-30T10:00:01.000Z');
    assert.deepEqual(plan[0], { kind: 'remove', containerId: 'x1', why: 'stale' });
    const removed = evolveAgent(after, {
      type: 'agent.container_removed',
      data: { agentId: 'a1', containerId: 'x1' },
      metadata: { occurredAt: '2026-11-30T10:00:02.000Z' },
    });
    assert.deepEqual(planReconcile(removed, [], '2026-11-30T10:00:03.000Z'), [{ kind: 'create' }]);
    assert.notEqual(containerName(removed), before.containerName);
  });

  test('a stopped agent: a new generation, no run', () => {
    const before = given(...runningAgentEvents('x1'), event('agent.stop_requested'), event('agent.container_stopped', { containerId: 'x1', exitCode: 0 }));
    const after = evolveAgent(before, teamChanged(null));
    assert.equal(after.generation, before.generation + 1);
    assert.equal(after.startSeqRequested, before.startSeqRequested);
  });
});
