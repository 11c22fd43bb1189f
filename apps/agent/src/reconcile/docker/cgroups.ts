import { readdir, rmdir } from 'node:fs/promises';
import { join } from 'node:path';

const CGROUP_FS = '/sys/fs/cgroup';

/**
 * Removes the (empty) cgroup directories of the agent's containers — `/sys/fs/cgroup/<hierarchy><parent>` on
 * cgroup v1, `/sys/fs/cgroup<parent>` on v2 — once dockerd and its containers are gone, so a torn-down runtime
 * leaves no trace in the cgroup tree. A directory still in use (EBUSY, ENOTEMPTY) or already gone stays as it is.
 */
export async function removeEmptyCgroups(parent: string): Promise<void> {
  let hierarchies: string[] = [];
  try {
    hierarchies = await readdir(CGROUP_FS);
  } catch {
    return; // no cgroup filesystem here
  }
  for (const dir of [join(CGROUP_FS, parent), ...hierarchies.map((h) => join(CGROUP_FS, h, parent))]) {
    await rmdir(dir).catch(() => undefined);
  }
}
