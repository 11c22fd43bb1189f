import type { dockerActions } from '@powernode/contracts';
import type { z } from 'zod';
import type { DockerProxyRuntime } from '../runtime.js';

type Container = z.output<typeof dockerActions.containerSummary>;
type Image = z.output<typeof dockerActions.imageSummary>;

export interface HostSnapshot {
  containers: Container[];
  images: Image[];
  synced_at?: string;
}

/** Each host's last-synced containers and images (docker_sync_host writes, docker_get_host reads). */
export class HostSnapshots {
  constructor(private readonly runtime: Pick<DockerProxyRuntime, 'db' | 'config'>) {}

  private get table(): string {
    return `"${this.runtime.config.DATABASE_SCHEMA}".host_snapshots`;
  }

  async get(hostId: string): Promise<HostSnapshot> {
    const rows: { containers: Container[]; images: Image[]; synced_at: Date }[] = await this.runtime.db.query(`SELECT containers, images, synced_at FROM ${this.table} WHERE host_id = $1`, [hostId]);
    const row = rows[0];
    return row ? { containers: row.containers, images: row.images, synced_at: row.synced_at.toISOString() } : { containers: [], images: [] };
  }

  async put(hostId: string, containers: Container[], images: Image[], at: Date): Promise<HostSnapshot> {
    await this.runtime.db.query(
      `INSERT INTO ${this.table} (host_id, containers, images, synced_at) VALUES ($1, $2, $3, $4)
       ON CONFLICT (host_id) DO UPDATE SET containers = EXCLUDED.containers, images = EXCLUDED.images, synced_at = EXCLUDED.synced_at`,
      [hostId, JSON.stringify(containers), JSON.stringify(images), at],
    );
    return { containers, images, synced_at: at.toISOString() };
  }
}
