import { checkContainerPolicy, type ContainerPolicy, type PolicyViolation } from '../../../../libs/domain/src/container/container-policy';
import type { ContainerSpec } from '../../../../libs/domain/src/container/container-spec';
import type { DockerDriver } from '../../../../libs/docker/src/docker.driver';
import { resolveHostPath } from '../../../../libs/platform/src/host-paths';

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
