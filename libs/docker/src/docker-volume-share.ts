import type { DockerApi } from './docker-api';
import { dockerStatusCode } from './docker-error.map';

/** How long the helper may take to run; it only changes one directory's mode. */
const HELPER_TIMEOUT_MS = 30_000;

/**
 * Makes a volume writable by every uid that mounts it (mode 1777, as /tmp: anyone
 * creates files, only a file's owner removes it). A new named volume is owned by root
 * with mode 755 when the image has nothing at its mount point, and agents run as a
 * non-root uid, so a volume shared by a team's members would be read-only to them.
 *
 * Docker has no API to change a volume's mode, so a short-lived helper container does
 * it: from `image` (the member's own image, present here), as root but with every
 * capability dropped (root owns the directory: chmod needs none), no network, only
 * that volume mounted. Idempotent; it carries `labels` (never the labels of an agent's
 * container) so the reconciler never mistakes it for an agent, and a deterministic name
 * (`<volume>-opener`) so one a crash left behind is removed by the next run.
 */
export async function shareVolume(docker: DockerApi, volume: string, image: string, labels: Record<string, string>): Promise<void> {
  const context = { operation: 'open shared volume', target: volume, image };
  // one helper per volume, by name: one left by a crash is removed before the next runs
  const name = `${volume}-opener`;
  await docker.api
    .getContainer(name)
    .remove({ force: true })
    .catch((error: unknown) => {
      if (dockerStatusCode(error) !== 404) throw docker.fail(error, { ...context, operation: 'remove helper container' });
    });
  let id: string;
  try {
    ({ id } = await docker.api.createContainer({
      name,
      Image: image,
      Entrypoint: ['chmod'],
      Cmd: ['1777', '/shared'],
      User: '0',
      Labels: labels,
      HostConfig: {
        NetworkMode: 'none',
        CapDrop: ['ALL'],
        SecurityOpt: ['no-new-privileges:true'],
        Mounts: [{ Type: 'volume', Source: volume, Target: '/shared', ReadOnly: false }],
        Memory: 32 * 1024 * 1024,
        PidsLimit: 8,
      },
    }));
  } catch (error) {
    throw docker.fail(error, context);
  }
  const container = docker.api.getContainer(id);
  try {
    await container.start();
    const result = (await Promise.race([
      container.wait(),
      new Promise((_, reject) => setTimeout(() => reject(new Error(`the helper did not finish within ${HELPER_TIMEOUT_MS} ms`)), HELPER_TIMEOUT_MS).unref()),
    ])) as { StatusCode?: number };
    if (result.StatusCode !== 0) throw new Error(`chmod exited with ${result.StatusCode ?? '?'} (the image needs a chmod binary)`);
  } catch (error) {
    throw docker.fail(error, context);
  } finally {
    await container.remove({ force: true }).catch((error: unknown) => {
      if (dockerStatusCode(error) !== 404) throw docker.fail(error, { ...context, operation: 'remove helper container' });
    });
  }
}
