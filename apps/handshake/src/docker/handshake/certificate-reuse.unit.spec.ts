import { initialDockerHostState } from '@powernode/docker-host';
import { reusableCertificate } from './certificate-reuse.js';

const key = 'a'.repeat(64);
const overlay = 'fd00::a';
const state = { ...initialDockerHostState(), certificate: { serial: '01', issuedAt: '2026-01-01T00:00:00.000Z', notAfter: '2026-01-31T00:00:00.000Z', publicKeySha256: key, overlay } };

describe(reusableCertificate.name, () => {
  it('reuses the certificate for the same key and overlay while more than a third of its life is left', () => {
    expect(reusableCertificate(state, key, overlay, new Date('2026-01-20T00:00:00.000Z'))).toBe(state.certificate);
    expect(reusableCertificate(state, key, overlay, new Date('2026-01-21T00:00:01.000Z'))).toBeUndefined();
  });

  it('never reuses it for another key or overlay, or when there is none', () => {
    const at = new Date('2026-01-02T00:00:00.000Z');
    expect(reusableCertificate(state, 'b'.repeat(64), overlay, at)).toBeUndefined();
    expect(reusableCertificate(state, key, 'fd00::b', at)).toBeUndefined();
    expect(reusableCertificate(initialDockerHostState(), key, overlay, at)).toBeUndefined();
  });
});
