import { checkContainerPolicy, type ContainerPolicy, type PolicyViolation, type ContainerSpec } from '@sacp/domain';
import type { DockerDriver } from '@sacp/docker';
import { resolveHostPath } from '@sacp/platform';

/**
 * The last check before Docker creates a container, with what only the host knows:
 * host paths are resolved again (a symlink may have changed since the template was
 * checked) and mounted by their real path; a spec without a user is checked against
 * its image's USER.
 */
export async function guardContainerSpec(
  spec: ContainerSpec,
  policy: ContainerPolicy,
  docker: Pick<DockerDriver, 'imageUser'>,
): Promise<{ spec: ContainerSpec; violations: PolicyViolation[] }> {
  const imageUser = spec.security.user === undefined ? await docker.imageUser(spec.image) : undefined;
  const violations = checkContainerPolicy(spec, policy, { resolve: resolveHostPath, imageUser });
  const mounts = spec.mounts.map((m) => (m.type === 'bind' && m.source ? { ...m, source: resolveHostPath(m.source).realPath ?? m.source } : m));
  return { spec: { ...spec, mounts }, violations };
}
