import { describe, test } from '@jest/globals';
import assert from 'node:assert/strict';
import {
  agentMounts,
  agentVolumeLabels,
  assertRemovableOrphan,
  DEFAULT_POLICY,
  DomainError,
  evolveAgent,
  isOwnVolume,
  parseTemplate,
  templateHash,
  volumeName,
  type EvolvableEvent,
  type Template,
  type VolumeRemovalFacts,
} from '@sacp/domain';
import { AGENT_ID, agentDecider, deployed, event, given as state } from '../../factories/agent-events';
import { deciderSpec } from '../../support/decider-spec';

const { given } = deciderSpec(agentDecider);

const template = (extra: Record<string, unknown> = {}): Template => {
  const r = parseTemplate('agents/t.json', JSON.stringify({ name: 't', image: 'sacp/sim-agent:latest', ...extra }), DEFAULT_POLICY);
  if (!r.ok) throw new Error(JSON.stringify(r.problems));
  return r.template;
};
const ME = { instance: 'sacp', store: 'store-1' };
const OWN = { 'sacp.managed': 'true', 'sacp.instance': 'sacp', 'sacp.store': 'store-1' };

describe('workspace volume: every agent gets one unless its template opts out', () => {
  test('by default a volume "workspace" at /workspace, writable, named after the agent', () => {
    assert.deepEqual(agentMounts(AGENT_ID, template()), [
      { type: 'volume', source: volumeName(AGENT_ID, 'workspace'), target: '/workspace', readOnly: false, volume: 'workspace' },
    ]);
  });

  test('the same agent always gets the same volume name (a new generation mounts the same volume); another agent another', () => {
    assert.equal(agentMounts(AGENT_ID, template())[0]!.source, agentMounts(AGENT_ID, template({ description: 'v2' }))[0]!.source);
    assert.notEqual(agentMounts(AGENT_ID, template())[0]!.source, agentMounts('01a21741-34fc-762b-81eb-f9f75a327999', template())[0]!.source);
  });

  test('workspace: false opts out; { target } moves it', () => {
    assert.deepEqual(agentMounts(AGENT_ID, template({ workspace: false })), []);
    assert.equal(agentMounts(AGENT_ID, template({ workspace: { target: '/data' } }))[0]!.target, '/data');
  });

  test('a template volume named "workspace" is the workspace (no second one); a mount at the same target wins', () => {
    const declared = agentMounts(AGENT_ID, template({ volumes: [{ name: 'workspace', target: '/work' }] }));
    assert.deepEqual(
      declared.map((m) => [m.target, m.volume]),
      [['/work', 'workspace']],
    );
    const taken = agentMounts(AGENT_ID, template({ volumes: [{ name: 'cache', target: '/workspace' }] }));
    assert.deepEqual(
      taken.map((m) => m.volume),
      ['cache'],
    );
  });

  test('a template that does not mention workspace keeps its content hash (no new version for existing templates)', () => {
    const t = template();
    assert.equal('workspace' in t, false);
    assert.notEqual(templateHash(t), templateHash(template({ workspace: false })));
  });

  test('a relative workspace target is refused with its field', () => {
    const r = parseTemplate('agents/t.json', JSON.stringify({ name: 't', image: 'x', workspace: { target: 'rel' } }), DEFAULT_POLICY);
    assert.equal(r.ok, false);
    assert.match(JSON.stringify(!r.ok && r.problems), /workspace/);
  });

  test('labels: the control plane, the agent (id and name) and the role', () => {
    assert.deepEqual(agentVolumeLabels(OWN, { agentId: AGENT_ID, name: 'coder-1' }, 'workspace'), {
      ...OWN,
      'sacp.agent.id': AGENT_ID,
      'sacp.agent.name': 'coder-1',
      'sacp.volume': 'workspace',
    });
  });
});

describe('removal with the agent only when asked', () => {
  test('rm records volumes: true only when asked; a plain rm keeps the version 1 shape', () => {
    given([deployed()])
      .when({ type: 'remove', volumes: true })
      .then([{ stream: `agent-${AGENT_ID}`, type: 'agent.remove_requested', data: { agentId: AGENT_ID, volumes: true } }]);
    given([deployed()])
      .when({ type: 'remove' })
      .then([{ stream: `agent-${AGENT_ID}`, type: 'agent.remove_requested', data: { agentId: AGENT_ID } }]);
  });

  test('the state remembers the volumes and who asked; a later request may add the volumes, never take them back', () => {
    const alice = { kind: 'cli', id: 'alice', displayName: 'alice' } as const;
    const asked = (volumes?: boolean): EvolvableEvent => {
      const e = event('agent.remove_requested', volumes === undefined ? {} : { volumes });
      return { ...e, metadata: { ...e.metadata, actor: alice } };
    };
    const kept = state(deployed(), asked());
    assert.equal(kept.removeVolumes, false);
    assert.deepEqual(kept.removeRequestedBy, alice);
    assert.equal(evolveAgent(kept, asked(true)).removeVolumes, true);
    assert.equal(evolveAgent(state(deployed(), asked(true)), asked()).removeVolumes, true);
  });
});

describe('orphans: removed on purpose only, and only our own', () => {
  const facts = (over: Partial<VolumeRemovalFacts> = {}): VolumeRemovalFacts => ({
    name: 'sacp-abc-workspace',
    labels: { ...OWN, 'sacp.agent.id': AGENT_ID },
    agent: { exists: true, observed: 'removed', name: 'coder-1' },
    usedBy: [],
    ...over,
  });
  const refusal = (f: VolumeRemovalFacts) => {
    try {
      assertRemovableOrphan(f, ME);
    } catch (err) {
      assert.ok(err instanceof DomainError);
      return err.code;
    }
    return null;
  };

  test('a volume of this control plane whose agent is removed, or unknown to this store, may go', () => {
    assert.equal(refusal(facts()), null);
    assert.equal(refusal(facts({ agent: { exists: false, observed: 'none', name: '' } })), null);
  });

  test("refused: none by that name, another instance's or another store's, a living agent's, one still mounted", () => {
    assert.equal(refusal(facts({ labels: null })), 'VOLUME.NOT_FOUND');
    assert.equal(refusal(facts({ labels: { ...OWN, 'sacp.store': 'store-2' } })), 'VOLUME.NOT_OURS');
    assert.equal(refusal(facts({ labels: { ...OWN, 'sacp.instance': 'other' } })), 'VOLUME.NOT_OURS');
    assert.equal(refusal(facts({ labels: { 'sacp.instance': 'sacp', 'sacp.store': 'store-1' } })), 'VOLUME.NOT_OURS');
    assert.equal(refusal(facts({ agent: { exists: true, observed: 'stopped', name: 'coder-1' } })), 'VOLUME.NOT_ORPHANED');
    assert.equal(refusal(facts({ usedBy: ['sacp-quarantined-x'] })), 'VOLUME.IN_USE');
  });

  test('isOwnVolume needs managed, the instance and the store', () => {
    assert.equal(isOwnVolume(OWN, ME), true);
    assert.equal(isOwnVolume({ ...OWN, 'sacp.managed': 'false' }, ME), false);
  });
});
