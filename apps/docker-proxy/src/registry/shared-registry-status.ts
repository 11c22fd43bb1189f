import type { DataSource } from 'typeorm';
import type { Lease } from '@powernode/service-kit';
import type { RegistryHandle } from '../docker-proxy-app.js';

type RegistryStatus = ReturnType<RegistryHandle['status']>;

const ROW = 'platform';

/**
 * The registry status the lease holder publishes in `"<schema>".registry_status` and every replica reads: only the
 * holder serves the registry, but docker_registry_status reaches whichever replica the queue group picks.
 */
export class SharedRegistryStatus {
  private publishing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: DataSource,
    private readonly schema: string,
    private readonly lease: Lease,
  ) {}

  /** Queues a write of the holder's current status (writes stay in order; the latest status wins). */
  publish(current: () => RegistryStatus, onError: (error: unknown) => void): void {
    this.publishing = this.publishing
      .then(() =>
        this.db.query(
          `INSERT INTO "${this.schema}".registry_status (name, holder, status, updated_at) VALUES ($1, $2, $3, now())
           ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder, status = EXCLUDED.status, updated_at = EXCLUDED.updated_at`,
          [ROW, this.lease.holder, JSON.stringify(current())],
        ),
      )
      .then(() => undefined, onError);
  }

  /** What the replica holding the lease now published; undefined when no live holder has. */
  async ofHolder(): Promise<RegistryStatus | undefined> {
    const rows = (await this.db.query(
      `SELECT r.status FROM "${this.schema}".registry_status r
         JOIN "${this.schema}".leases l ON l.name = $2 AND l.holder = r.holder AND l.expires_at > now()
        WHERE r.name = $1`,
      [ROW, this.lease.name],
    )) as { status: RegistryStatus }[];
    return rows[0]?.status;
  }

  /** Waits for the queued writes (at stop). */
  flushed(): Promise<void> {
    return this.publishing;
  }
}
