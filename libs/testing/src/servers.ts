import { connect, type NatsConnection } from '@nats-io/transport-node';
import { jetstreamManager } from '@nats-io/jetstream';
import { DataSource } from 'typeorm';

export const TEST_NATS_URL = process.env.NATS_URL ?? 'nats://127.0.0.1:4222';
export const TEST_DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** A real NATS connection for a test. */
export function connectTestNats(): Promise<NatsConnection> {
  return connect({ servers: TEST_NATS_URL, name: 'powernode-test' });
}

/** Drops what a test made in the real servers: its stream(s) and PostgreSQL schema(s). */
export async function dropTestResources(nc: NatsConnection | undefined, streams: string[], schemas: string[]): Promise<void> {
  if (nc && !nc.isClosed()) {
    const jsm = await jetstreamManager(nc);
    for (const stream of streams) await jsm.streams.delete(stream).catch(() => undefined);
  }
  if (schemas.length) {
    const ds = new DataSource({ type: 'postgres', url: TEST_DATABASE_URL });
    await ds.initialize();
    try {
      for (const schema of schemas) await ds.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    } finally {
      await ds.destroy();
    }
  }
}
