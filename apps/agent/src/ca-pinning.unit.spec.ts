import { createCaHierarchy, type CaHierarchy } from '@powernode/pki';
import { pinCaChain } from './ca-pinning.js';
import { AgentFatalError } from './errors.js';

async function hierarchy(): Promise<CaHierarchy> {
  const now = Date.now();
  return createCaHierarchy({
    rootCommonName: 'root',
    intermediateCommonName: 'intermediate',
    notBefore: new Date(now - 60_000),
    rootNotAfter: new Date(now + 3_600_000),
    intermediateNotAfter: new Date(now + 3_600_000),
  });
}

describe(pinCaChain.name, () => {
  let ca: CaHierarchy;
  let other: CaHierarchy;
  beforeAll(async () => ([ca, other] = await Promise.all([hierarchy(), hierarchy()])));

  it('accepts a chain whose last certificate (the root) has the pinned SHA-256', () => {
    expect(pinCaChain(ca.chain.join(''), ca.root.fingerprintSha256)).toEqual(ca.chain);
  });

  it('refuses another root, or the pin matching only the intermediate', () => {
    expect(() => pinCaChain(other.chain.join(''), ca.root.fingerprintSha256)).toThrow(/CA pin mismatch/);
    expect(() => pinCaChain(ca.chain.join(''), ca.intermediate.fingerprintSha256)).toThrow(AgentFatalError);
  });

  it('refuses an empty or non-certificate bundle', () => {
    expect(() => pinCaChain('', ca.root.fingerprintSha256)).toThrow(/empty CA chain/);
    expect(() => pinCaChain('-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n', ca.root.fingerprintSha256)).toThrow(/not a PEM certificate bundle/);
  });
});
