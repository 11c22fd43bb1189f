import { PlatformError } from '@powernode/contracts';
import type { HandshakeRuntime } from '../runtime.js';
import { RELAY_AGAIN_MS, WireguardRelay } from './wireguard-relay.js';

const key = 'yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=';
const facts = (public_key: unknown = key, listen_port = 51820) => ({
  sdwan: { phase: 'ready', public_key, interfaces: [{ name: 'pn-0123456789ab', network_id: 'net-0000000a', listen_port, peers: [] }] },
});

function setup(answer: (input: { endpoint?: string }) => Promise<unknown> = () => Promise.resolve({ peers: [] })) {
  const calls: { endpoint?: string }[] = [];
  const warnings: string[] = [];
  let now = 1_000_000;
  const runtime = {
    rpc: {
      callInternal: (_action: unknown, input: { endpoint?: string }) => {
        calls.push(input);
        return answer(input);
      },
    },
    logger: { warn: (_details: object, message: string) => warnings.push(message) },
  } as unknown as HandshakeRuntime;
  const sut = new WireguardRelay(runtime, () => now);
  return { sut, calls, warnings, advance: (ms: number) => (now += ms) };
}

describe(WireguardRelay.name, () => {
  it('relays the agent’s key with the observed endpoint per interface', async () => {
    const { sut, calls } = setup();
    sut.relay('inst-1', facts(), '::ffff:10.1.2.3');
    await sut.stop();
    expect(calls).toEqual([{ instance_id: 'inst-1', network_id: 'net-0000000a', public_key: key, endpoint: '10.1.2.3:51820' }]);
  });

  it('skips an unchanged report, sends a changed one, and repeats an unchanged one after RELAY_AGAIN_MS', async () => {
    const { sut, calls, advance } = setup();
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    sut.relay('inst-1', facts(), '10.1.2.3');
    await settle();
    sut.relay('inst-1', facts(), '10.1.2.3');
    await settle();
    expect(calls).toHaveLength(1);
    sut.relay('inst-1', facts(), '10.1.2.4');
    await settle();
    expect(calls.map((c) => c.endpoint)).toEqual(['10.1.2.3:51820', '10.1.2.4:51820']);
    advance(RELAY_AGAIN_MS);
    sut.relay('inst-1', facts(), '10.1.2.4');
    await sut.stop();
    expect(calls).toHaveLength(3);
  });

  it('keeps one instance’s reports in order, the latest replacing those not yet sent, and stop waits for them', async () => {
    let release = () => undefined as void;
    const { sut, calls } = setup(() => new Promise((resolve) => (release = () => resolve({ peers: [] }))));
    sut.relay('inst-1', facts(), '10.0.0.1');
    sut.relay('inst-1', facts(), '10.0.0.2');
    sut.relay('inst-1', facts(), '10.0.0.3');
    const stopped = sut.stop();
    await new Promise((resolve) => setImmediate(resolve));
    expect(calls.map((c) => c.endpoint)).toEqual(['10.0.0.1:51820']);
    release();
    await new Promise((resolve) => setImmediate(resolve));
    release();
    await stopped;
    expect(calls.map((c) => c.endpoint)).toEqual(['10.0.0.1:51820', '10.0.0.3:51820']);
    sut.relay('inst-1', facts(), '10.0.0.4');
    expect(calls).toHaveLength(2);
  });

  it('never throws: malformed facts and a refused key are warned about once, a transient failure is retried', async () => {
    let fail: PlatformError | undefined = new PlatformError('InvalidInput', 'public_key is not a WireGuard key');
    const { sut, calls, warnings } = setup(() => (fail ? Promise.reject(fail) : Promise.resolve({ peers: [] })));
    const settle = () => new Promise((resolve) => setImmediate(resolve));
    sut.relay('inst-1', facts(42), '10.1.2.3');
    sut.relay('inst-1', facts(42), '10.1.2.3');
    expect(calls).toHaveLength(0);
    sut.relay('inst-1', facts('not-a-key'), '10.1.2.3');
    await settle();
    sut.relay('inst-1', facts('not-a-key', 51821), '10.1.2.3');
    await settle();
    expect(calls).toHaveLength(2);
    expect(warnings).toEqual(['malformed SDWAN facts ignored', 'sdwan service refused the agent’s WireGuard facts']);
    fail = new PlatformError('ServiceUnavailable', 'service sdwan is not running');
    sut.relay('inst-1', facts(), '10.1.2.3');
    await settle();
    fail = undefined;
    sut.relay('inst-1', facts(), '10.1.2.3');
    await sut.stop();
    expect(calls).toHaveLength(4);
    expect(warnings[2]).toBe('SDWAN facts relay failed');
  });

  it('ignores facts without a public key', async () => {
    const { sut, calls, warnings } = setup();
    sut.relay('inst-1', { sdwan: { phase: 'installing' } }, '10.1.2.3');
    sut.relay('inst-1', {}, '10.1.2.3');
    await sut.stop();
    expect([calls, warnings]).toEqual([[], []]);
  });
});
