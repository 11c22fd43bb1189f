import { inHandshake } from './health-monitor.js';

describe(inHandshake.name, () => {
  const now = Date.parse('2026-11-24T12:00:00.000Z');
  const at = (secondsAgo: number) => new Date(now - secondsAgo * 1000).toISOString();

  it('skips a host renewing its certificate (wants_cert, wants_config) for two minutes after its last step', () => {
    expect(inHandshake({ phase: 'wants_cert', updatedAt: at(5) }, now)).toBe(true);
    expect(inHandshake({ phase: 'wants_config', updatedAt: at(119) }, now)).toBe(true);
  });

  it('probes a ready host, and one whose handshake stalled past the grace', () => {
    expect(inHandshake({ phase: 'ready', updatedAt: at(1) }, now)).toBe(false);
    expect(inHandshake({ phase: 'wants_config', updatedAt: at(121) }, now)).toBe(false);
    expect(inHandshake({ phase: 'wants_cert', updatedAt: null }, now)).toBe(false);
  });
});
