import { PlatformError } from '@powernode/contracts';
import type { HandshakeRuntime } from '../runtime.js';
import { DesiredStateReader } from './desired-state.reader.js';

const sdwan = { interfaces: [{ name: 'pn-0123456789ab', network_id: 'net-0000000a', address: 'fd00::a/128', listen_port: 51820, peers: [] }] };

/** A runtime whose catalog projections hold one instance without modules, and whose sdwan service answers `answer`. */
function readerWith(answer: () => Promise<unknown>) {
  const runtime = {
    config: { DATABASE_SCHEMA: 'handshake' },
    db: { query: async (sql: string) => (sql.includes('instances') ? [{ doc: { template_id: 'tpl-1', decommissioned: false } }] : []) },
    rpc: { callInternal: answer },
  } as unknown as HandshakeRuntime;
  return new DesiredStateReader(runtime);
}

describe(DesiredStateReader.name, () => {
  it('puts the sdwan service’s interfaces into the desired state', async () => {
    const sut = readerWith(async () => sdwan);
    expect((await sut.read('inst-1')).desired).toMatchObject({ instance_id: 'inst-1', modules: [], sdwan });
  });

  it('fails when the sdwan service does, or answers nonsense: never a state without `sdwan`', async () => {
    const down = new PlatformError('ServiceUnavailable', 'service sdwan is not running');
    await expect(readerWith(() => Promise.reject(down)).read('inst-1')).rejects.toBe(down);
    await expect(readerWith(async () => ({ interfaces: 'none' })).read('inst-1')).rejects.toMatchObject({ code: 'ServiceUnavailable' });
  });
});
