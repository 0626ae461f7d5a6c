import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { TestControlPlane } from '../../support/control-plane';
import { waitFor } from '../../support/ports';

const GRACE_MS = 8000;

/**
 * Three control planes on one Docker engine, each with its own event store:
 *  A, B under different instance names; C under A's instance name (a second
 *  installation, or a fresh database where an old one was). None may touch the
 *  others' containers; containers with A's own labels that A's store does not
 *  know are quarantined, not removed.
 */
describe('control planes sharing a Docker engine leave each other alone (real orchestrators and Docker)', () => {
  const a = new TestControlPlane({ env: { SACP_QUARANTINE_GRACE_MS: String(GRACE_MS), SACP_COMPOSE_PROJECT: 'sacp-e2e-project' } });
  const b = new TestControlPlane();
  const c = new TestControlPlane({ instance: a.instance });
  const api = a.docker['client'].api;
  const made: string[] = [];

  beforeAll(async () => {
    await a.start();
    await b.start();
    await c.start();
  });
  afterAll(async () => {
    for (const id of made)
      await api
        .getContainer(id)
        .remove({ force: true })
        .catch(() => undefined);
    await c.stop();
    await b.stop();
    await a.stop();
  });

  /** A container made by hand, outside every control plane, with the labels given. */
  const handMade = async (suffix: string, labels: Record<string, string>, start = true) => {
    const created = await api.createContainer({
      Image: 'sacp/sim-agent:latest',
      name: `sacp-e2e-${a.instance}-${suffix}`,
      Labels: { 'sacp.test': a.instance, ...labels },
      HostConfig: { Memory: 64 * 1024 * 1024 },
    });
    made.push(created.id);
    if (start) await created.start();
    return created.id;
  };

  const events = async (cp: TestControlPlane, type: string) =>
    (await cp.pool.query<{ stream_id: string; data: Record<string, unknown> }>('select stream_id, data from events where type = $1 order by global_position', [type])).rows;

  test('each store has its own id, and its containers carry it', async () => {
    const ids = [await a.storeId(), await b.storeId(), await c.storeId()];
    assert.equal(new Set(ids).size, 3, 'three stores, three ids');
    const agent = await a.deploy('sim', 'store-label');
    const view = await a.waitForAgent(agent, (v) => v.state.observed === 'running', 'running');
    const container = await a.docker.inspect(view.containerId!);
    assert.equal(container!.labels['sacp.store'], ids[0]);
    assert.equal(container!.labels['sacp.instance'], a.instance);
  });

  test("agents of A, B and C (C under A's instance name) run side by side; no pass touches another's container", async () => {
    const ids = { a: await a.deploy('sim', 'side-a'), b: await b.deploy('sim', 'side-b'), c: await c.deploy('sim', 'side-c') };
    const va = await a.waitForAgent(ids.a, (v) => v.state.observed === 'running', 'running');
    const vb = await b.waitForAgent(ids.b, (v) => v.state.observed === 'running', 'running');
    const vc = await c.waitForAgent(ids.c, (v) => v.state.observed === 'running', 'running');
    // several full passes of every reconciler (1 s each)
    await new Promise((r) => setTimeout(r, 4000));
    for (const v of [va, vb, vc]) {
      const now = await a.docker.inspect(v.containerId!);
      assert.ok(now?.running, `${v.name}'s container is still there and running`);
      assert.ok(!now.name.startsWith('sacp-quarantined-'), `${v.name}'s container was not quarantined`);
    }
    for (const cp of [a, b, c]) {
      assert.deepEqual(await events(cp, 'container.quarantined'), [], 'no control plane quarantined a neighbour');
      const { rows } = await cp.pool.query("select count(*)::int as n from events where type in ('agent.container_removed', 'agent.container_stopped')");
      assert.equal(rows[0].n, 0, 'nothing was stopped or removed');
    }
  });

  test("a container with A's own labels that A's store does not know is quarantined: stopped, renamed, alerted, kept; removed after the grace period", async () => {
    const agentId = randomUUID();
    const id = await handMade('unknown', {
      'sacp.managed': 'true',
      'sacp.instance': a.instance,
      'sacp.store': await a.storeId(),
      'sacp.agent.id': agentId,
      'sacp.agent.name': 'ghost',
    });
    const quarantined = await waitFor(
      'the unknown container to be quarantined',
      async () => {
        const ci = await a.docker.inspect(id);
        return ci && !ci.running && ci.name.startsWith('sacp-quarantined-') ? ci : null;
      },
      20_000,
    ).catch((err: Error) => {
      throw new Error(`${err.message}\n${a.orchestrators[0]!.logs.slice(-4000)}`);
    });
    const quarantinedAt = Date.now();
    assert.equal(quarantined.id, id, 'stopped and renamed, still present');
    const [recorded] = await events(a, 'container.quarantined');
    assert.equal(recorded?.stream_id, `quarantine-${id}`);
    assert.equal(recorded?.data.agentId, agentId);
    assert.equal(recorded?.data.quarantinedName, quarantined.name);
    const [alert] = await events(a, 'alert.raised');
    assert.equal(alert?.data.cause, 'container_quarantined');
    assert.match(String(alert?.data.message), new RegExp(`${id.slice(0, 12)}.*store ${await a.storeId()}`));
    // C shares A's instance name: it must not have acted on A's labels
    assert.deepEqual(await events(c, 'container.quarantined'), []);
    assert.deepEqual(await events(b, 'container.quarantined'), []);

    // still there well into the grace period
    await new Promise((r) => setTimeout(r, GRACE_MS / 2));
    assert.ok(await a.docker.inspect(id), 'kept during the grace period');

    await waitFor('the quarantined container to be removed after its grace period', async () => !(await a.docker.inspect(id)), GRACE_MS + 20_000);
    assert.ok(Date.now() - quarantinedAt >= GRACE_MS - 1500, 'not removed before the grace period ended');
    // the removal is recorded once Docker has done it: wait for the record, not only for the container to be gone
    const [removed] = await waitFor('the removal recorded', async () => {
      const recorded = await events(a, 'container.quarantine_removed');
      return recorded.length ? recorded : null;
    });
    assert.deepEqual(removed?.data, { containerId: id, containerName: quarantined.name, by: 'grace_period' });
    assert.ok(
      (await events(a, 'alert.resolved')).some((e) => e.stream_id === `alert-container:${id}:quarantine`),
      'the alert is resolved',
    );
  });

  test('a quarantined container is removed at once by command; a container that is not quarantined cannot be removed that way', async () => {
    // C keeps quarantined containers for a week (the default): only the command removes this one sooner
    const id = await handMade('unknown-c', { 'sacp.managed': 'true', 'sacp.instance': c.instance, 'sacp.store': await c.storeId(), 'sacp.agent.id': randomUUID() });
    await waitFor('quarantined by C', async () => (await events(c, 'container.quarantined')).some((e) => e.data.containerId === id), 20_000);
    const ci = await c.docker.inspect(id);
    assert.ok(ci && !ci.running, 'stopped, kept');

    const listed = await c.query<{ containerId: string }[]>('quarantine.list', {});
    assert.ok(listed.ok && listed.result.some((q) => q.containerId === id), JSON.stringify(listed));

    const bystander = await handMade('bystander', {});
    const refused = await c.command('container.remove_quarantined', { container: bystander });
    assert.equal(!refused.ok && refused.error.code, 'CONTAINER.NOT_QUARANTINED');
    assert.ok((await c.docker.inspect(bystander))?.running, 'the bystander is untouched');

    const r = await c.command('container.remove_quarantined', { container: id.slice(0, 12) });
    assert.ok(r.ok, JSON.stringify(r));
    assert.equal(await c.docker.inspect(id), null, 'removed');
    const [removed] = await events(c, 'container.quarantine_removed');
    assert.equal(removed?.data.by, 'operator');
  });

  test("adopt refuses another control plane's containers, the control plane's own, and says which", async () => {
    const [vb] = await b.status('side-b');
    const [vc] = await c.status('side-c');
    const ofB = await a.command('agent.adopt', { container: vb!.containerId!, name: 'steal-b' });
    assert.equal(!ofB.ok && ofB.error.code, 'CONTAINER.OF_OTHER_CONTROL_PLANE', JSON.stringify(ofB));
    const ofC = await a.command('agent.adopt', { container: vc!.containerId!, name: 'steal-c' });
    assert.equal(!ofC.ok && ofC.error.code, 'CONTAINER.OF_OTHER_CONTROL_PLANE', JSON.stringify(ofC));
    assert.match(!ofC.ok ? ofC.error.message : '', /event store/);

    const component = await handMade('orchestrator', { 'sacp.component': 'orchestrator' });
    const own = await a.command('agent.adopt', { container: component, name: 'steal-self' });
    assert.equal(!own.ok && own.error.code, 'CONTAINER.OF_CONTROL_PLANE', JSON.stringify(own));

    const composed = await handMade('compose-api', { 'com.docker.compose.project': 'sacp-e2e-project', 'com.docker.compose.service': 'api' });
    const ofProject = await a.command('agent.adopt', { container: composed, name: 'steal-api' });
    assert.equal(!ofProject.ok && ofProject.error.code, 'CONTAINER.OF_CONTROL_PLANE', JSON.stringify(ofProject));

    const images = await api.listImages({ filters: JSON.stringify({ reference: ['sacp/control-plane'] }) });
    if (images.length) {
      const created = await api.createContainer({ Image: images[0]!.RepoTags![0]!, name: `sacp-e2e-${a.instance}-cp-image`, Labels: { 'sacp.test': a.instance }, Cmd: ['true'] });
      made.push(created.id);
      const image = await a.command('agent.adopt', { container: created.id, name: 'steal-image' });
      assert.equal(!image.ok && image.error.code, 'CONTAINER.OF_CONTROL_PLANE', JSON.stringify(image));
    }

    // nothing was adopted, and the refused containers run on under their owners
    assert.deepEqual(await events(a, 'agent.adopted'), []);
    assert.ok((await b.docker.inspect(vb!.containerId!))?.running);
    assert.ok((await c.docker.inspect(vc!.containerId!))?.running);

    // a plain container is still adoptable
    const plain = await handMade('plain', {});
    const ok = await a.command<{ agentId: string }>('agent.adopt', { container: plain, name: 'plain' });
    assert.ok(ok.ok, JSON.stringify(ok));
  });
});
