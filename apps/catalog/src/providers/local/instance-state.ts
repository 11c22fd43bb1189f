import { mkdir, readdir, readFile, rm, writeFile, rename } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { InstanceAddresses, InstanceNames } from '@powernode/netns';
import type { AgentCommand } from './agent-process.js';

/** What the provider remembers about one instance, in `<stateDir>/instance.json` (0600: env may hold a bootstrap token). */
export interface InstanceRecord {
  instanceId: string;
  namePrefix: string;
  names: InstanceNames;
  index: number;
  addresses: InstanceAddresses;
  agent: AgentCommand;
}

const RECORD = 'instance.json';
const PIDFILE = 'agent.pid';

export const stateDirOf = (stateRoot: string, instanceId: string): string => join(stateRoot, instanceId);

/** The agent's own state (`--state-dir`, as the instance reconciler starts it): inside the instance's, so decommission erases it too. */
export const agentStateDirOf = (stateDir: string): string => join(stateDir, 'agent');

/**
 * The agent's `--docker-root`, absolute as the instance reconciler passes it (`resolve(stateRoot, id, 'docker')`):
 * its dockerd's cgroup parent and relocated exec-root are derived from this exact path.
 */
export const dockerRootOf = (stateDir: string): string => resolve(stateDir, 'docker');

export async function writeRecord(stateDir: string, record: InstanceRecord): Promise<void> {
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  const tmp = join(stateDir, `${RECORD}.tmp`);
  await writeFile(tmp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(tmp, join(stateDir, RECORD));
}

export async function readRecord(stateDir: string): Promise<InstanceRecord | undefined> {
  try {
    return JSON.parse(await readFile(join(stateDir, RECORD), 'utf8')) as InstanceRecord;
  } catch {
    return undefined;
  }
}

/** Every record under the state root (the root may be shared by providers with other prefixes). */
export async function readAllRecords(stateRoot: string): Promise<InstanceRecord[]> {
  let entries: string[];
  try {
    entries = await readdir(stateRoot);
  } catch {
    return [];
  }
  const records = await Promise.all(entries.map((entry) => readRecord(join(stateRoot, entry))));
  return records.filter((record): record is InstanceRecord => record !== undefined);
}

export async function writePid(stateDir: string, pid: number): Promise<void> {
  await writeFile(join(stateDir, PIDFILE), `${pid}\n`, { mode: 0o600 });
}

export async function readPid(stateDir: string): Promise<number | undefined> {
  try {
    const pid = Number((await readFile(join(stateDir, PIDFILE), 'utf8')).trim());
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

export async function removeStateDir(stateDir: string): Promise<void> {
  await rm(stateDir, { recursive: true, force: true });
}
