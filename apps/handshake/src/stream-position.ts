import { jetstreamManager } from '@nats-io/jetstream';
import type { HandshakeRuntime } from './runtime.js';

/** The stream's last sequence now: a projection at or past it has applied everything appended so far. */
export async function lastStreamSeq(runtime: Pick<HandshakeRuntime, 'nc' | 'config'>): Promise<number> {
  const jsm = await jetstreamManager(runtime.nc);
  return (await jsm.streams.info(runtime.config.EVENT_STREAM)).state.last_seq;
}
