import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { ContainerSpec } from '@sacp/domain';
import { createDockerClient, type DockerClient } from '@sacp/docker';

/** The test agent built by scripts/build-images.sh (JSON heartbeat every second, uid 1000, handles SIGTERM). */
export const TEST_AGENT_IMAGE = 'sacp/sim-agent:latest';

/** Label every Docker object a test creates carries, so after() can remove exactly those. */
export const TEST_LABEL = 'sacp.test';

export interface DockerTestContext {
  client: DockerClient;
  /** unique per test file run; the value of the sacp.test label */
  runId: string;
  labels: Record<string, string>;
  /** a Docker-safe unique name: sacp-test-<run>-<suffix> */
  name(suffix: string): string;
}

export function dockerTestContext(): DockerTestContext {
  const runId = `${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
  return {
    client: createDockerClient(),
    runId,
    labels: { [TEST_LABEL]: runId },
    name: (suffix) => `sacp-test-${runId}-${suffix}`,
  };
}

/** Fails (never skips) with the fix when the test agent image has not been built. */
export async function requireTestAgentImage(api: Docker): Promise<void> {
  try {
    await api.getImage(TEST_AGENT_IMAGE).inspect();
  } catch (error) {
    throw new Error(`test image ${TEST_AGENT_IMAGE} is missing from the local Docker engine: run \`bash scripts/build-images.sh\` first (there is no registry to pull from)`, {
      cause: error,
    });
  }
}

/** A hardened spec for the test agent, as the domain would resolve it; override what a test needs. */
export function testAgentSpec(ctx: DockerTestContext, suffix: string, overrides: Partial<ContainerSpec> = {}): ContainerSpec {
  return {
    name: ctx.name(suffix),
    image: TEST_AGENT_IMAGE,
    env: { SACP_AGENT_ID: suffix },
    labels: { ...ctx.labels, 'sacp.agent-id': suffix },
    resources: { memoryBytes: 128 * 1024 * 1024, nanoCpus: 500_000_000, pidsLimit: 64 },
    security: {
      privileged: false,
      capAdd: [],
      capDrop: ['ALL'],
      noNewPrivileges: true,
      readOnlyRootfs: true,
      user: '1000',
    },
    networkMode: 'bridge',
    mounts: [{ type: 'tmpfs', target: '/tmp', readOnly: false }],
    ports: [],
    stopTimeoutSeconds: 5,
    ...overrides,
  };
}

/** Removes every container, network and volume labelled with this run's id. */
export async function removeTestObjects(ctx: DockerTestContext): Promise<void> {
  const api = ctx.client.api;
  const filters = { label: [`${TEST_LABEL}=${ctx.runId}`] };
  const containers = await api.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => api.getContainer(c.Id).remove({ force: true, v: true }).catch(ignoreMissing)));
  const networks = await api.listNetworks({ filters });
  await Promise.all(networks.map((n) => api.getNetwork(n.Id).remove().catch(ignoreMissing)));
  const volumes = await api.listVolumes({ filters });
  await Promise.all((volumes.Volumes ?? []).map((v) => api.getVolume(v.Name).remove().catch(ignoreMissing)));
}

function ignoreMissing(error: unknown): void {
  if ((error as { statusCode?: number }).statusCode === 404) return;
  throw error;
}

/** Polls until `check` returns a value other than undefined, or fails after `timeoutMs`. */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 10_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
