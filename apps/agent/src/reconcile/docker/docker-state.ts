import { mkdir, readFile, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { agentProtocol } from '@powernode/contracts';
import { writeFileAtomic } from '../../atomic-file.js';

type Next = agentProtocol.RuntimeHandshakeResponse['next'];

/**
 * What the agent did for the current assignment, kept across restarts so a restarted agent neither repeats
 * reports the platform already has nor forgets files it wrote (teardown removes exactly those).
 */
export interface DockerState {
  /** DockerWant.assignment this record belongs to. */
  assignment: string;
  /** The overlay address the daemon binds: teardown reaches the daemon there to stop its containers. */
  overlay?: string;
  installing_reported?: boolean;
  waiting_overlay_reported?: boolean;
  host_id?: string;
  api_endpoint?: string;
  /** The module-config key daemon.json was fetched for, and the platform's hash of its part. */
  config?: { key: string; hash: string };
  /** What the platform asked for next in its last answer. */
  next?: Next;
  /** Config hash + certificate serial the daemon was last started with and answered on. */
  daemon_generation?: string;
  /** What was last reported `ready`. */
  ready?: { generation: string; version: string };
  /** The last `failed` reason posted, so a retry that fails the same way does not post it again. */
  failed_reported?: string;
}

export class DockerStateStore {
  constructor(readonly path: string) {}

  async load(): Promise<DockerState | undefined> {
    try {
      const parsed = JSON.parse(await readFile(this.path, 'utf8')) as Partial<DockerState>;
      return typeof parsed.assignment === 'string' ? (parsed as DockerState) : undefined;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      if (error instanceof SyntaxError) return undefined; // unreadable: start the assignment over
      throw error;
    }
  }

  async save(state: DockerState): Promise<void> {
    await mkdir(dirname(this.path), { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(state, null, 2)}\n`, 0o600);
  }

  async remove(): Promise<void> {
    await rm(this.path, { force: true });
  }
}
