import { describe, test, beforeAll, afterAll } from '@jest/globals';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createDockerClient, DockerDriver, DockerImageNotFoundError, DockerUnavailableError, type DockerError } from '@sacp/docker';
import { distFile } from '../../support/repo-root';
import { dockerTestContext, removeTestObjects, requireTestAgentImage, TEST_AGENT_IMAGE, testAgentSpec } from '../../support/docker';

describe('DockerDriver: failures become typed errors that say what to do', () => {
  const ctx = dockerTestContext();
  const driver = new DockerDriver(ctx.client);

  beforeAll(async () => {
    await requireTestAgentImage(ctx.client.api);
  });

  afterAll(async () => {
    await removeTestObjects(ctx);
  });

  test('the default endpoint is the local socket and answers ping', async () => {
    const local = DockerDriver.connect();
    assert.equal(local.endpoint, 'unix:///var/run/docker.sock');
    await local.ping();
  });

  test('an unreachable unix socket gives DOCKER.UNAVAILABLE naming the endpoint and the fix', async () => {
    const unreachable = DockerDriver.connect('unix:///nonexistent.sock');
    const error = await unreachable.ping().then(
      () => assert.fail('ping should fail'),
      (e: unknown) => e as DockerError,
    );
    assert.ok(error instanceof DockerUnavailableError);
    assert.equal(error.code, 'DOCKER.UNAVAILABLE');
    assert.equal(error.name, 'DockerUnavailableError');
    assert.equal(error.message, 'cannot reach the Docker engine at unix:///nonexistent.sock: is dockerd running? start it, or set DOCKER_HOST');
    assert.equal((error.cause as { code?: string }).code, 'ENOENT');

    // Every operation maps the same way, not only ping.
    await assert.rejects(unreachable.createContainer(testAgentSpec(ctx, 'never')), { code: 'DOCKER.UNAVAILABLE' });
    await assert.rejects(unreachable.listByLabels(ctx.labels), { code: 'DOCKER.UNAVAILABLE' });
  });

  test('a refused tcp endpoint gives DOCKER.UNAVAILABLE', async () => {
    const refused = DockerDriver.connect('tcp://127.0.0.1:1');
    await assert.rejects(refused.ping(), {
      code: 'DOCKER.UNAVAILABLE',
      message: /cannot reach the Docker engine at tcp:\/\/127\.0\.0\.1:1: is dockerd running\?/,
    });
  });

  test('an unsupported DOCKER_HOST value gives DOCKER.INVALID_HOST', () => {
    assert.throws(() => createDockerClient('ssh://someone@somewhere'), { code: 'DOCKER.INVALID_HOST' });
    assert.throws(() => createDockerClient('unix://relative.sock'), { code: 'DOCKER.INVALID_HOST' });
  });

  test('a socket the user may not open gives DOCKER.PERMISSION_DENIED', () => {
    // Root bypasses socket permissions, so ask a child process running as nobody.
    const driverModule = distFile('libs/docker/src/index.js');
    const script = `
      const { DockerDriver } = require(${JSON.stringify(driverModule)});
      DockerDriver.connect().ping().then(
        () => console.log(JSON.stringify({ ok: true })),
        (e) => console.log(JSON.stringify({ code: e.code, message: e.message })),
      );`;
    const child = spawnSync(process.execPath, ['-e', script], { uid: 65534, gid: 65534, encoding: 'utf8', timeout: 10_000 });
    assert.equal(child.status, 0, child.stderr);
    const outcome = JSON.parse(child.stdout.trim()) as { code?: string; message?: string };
    assert.equal(outcome.code, 'DOCKER.PERMISSION_DENIED');
    assert.match(outcome.message ?? '', /unix:\/\/\/var\/run\/docker\.sock: add the user to the docker group or run as root/);
  });

  test('a missing image gives DOCKER.IMAGE_NOT_FOUND naming the image and the build script', async () => {
    const image = `sacp/not-built-${ctx.runId}:latest`;
    assert.equal(await driver.imageExists(image), false);
    assert.equal(await driver.imageExists(TEST_AGENT_IMAGE), true);

    const error = await driver.createContainer(testAgentSpec(ctx, 'no-image', { image })).then(
      () => assert.fail('create should fail'),
      (e: unknown) => e as DockerError,
    );
    assert.ok(error instanceof DockerImageNotFoundError);
    assert.equal(error.code, 'DOCKER.IMAGE_NOT_FOUND');
    assert.equal(error.image, image);
    assert.match(error.message, new RegExp(`image ${image.replace(/[.:/]/g, '\\$&')} is not present`));
    assert.match(error.message, /images are built locally/);
    assert.match(error.message, /bash scripts\/build-images\.sh/);
  });

  test('operations on a missing container: inspect is null, remove is fine, start names it', async () => {
    const missing = ctx.name('missing');
    assert.equal(await driver.inspect(missing), null);
    await driver.remove(missing, { force: true });
    await assert.rejects(driver.start(missing), {
      code: 'DOCKER.CONTAINER_NOT_FOUND',
      message: new RegExp(`container ${missing} does not exist`),
    });
    await assert.rejects(driver.stop(missing, 1), { code: 'DOCKER.CONTAINER_NOT_FOUND' });
  });

  test('anything else Docker refuses is DOCKER.OPERATION_FAILED with the operation and container', async () => {
    const spec = testAgentSpec(ctx, 'bad-network', { networkMode: ctx.name('no-such-network') });
    const error = await (async () => {
      const { id } = await driver.createContainer(spec);
      await driver.start(id);
    })().then(
      () => assert.fail('a container on a missing network cannot start'),
      (e: unknown) => e as DockerError,
    );
    assert.equal(error.code, 'DOCKER.OPERATION_FAILED');
    assert.match(error.message, /^docker (create|start) container /);
    assert.match(error.message, /no-such-network/);
  });
});
