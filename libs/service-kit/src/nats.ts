import { connect, type NatsConnection } from '@nats-io/transport-node';

/** Connects to NATS with a name that shows up in the server's connection list. */
export async function connectNats(url: string, name: string): Promise<NatsConnection> {
  try {
    return await connect({ servers: url, name, maxReconnectAttempts: -1, reconnectTimeWait: 500 });
  } catch (error) {
    throw new Error(`cannot reach NATS at ${url}: ${(error as Error).message}`, { cause: error });
  }
}
