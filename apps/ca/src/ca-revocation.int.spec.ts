import { caActions } from '@powernode/contracts';
import { buildCsr, generateKeyPair } from '@powernode/pki';
import { openssl } from './testing/openssl.js';
import { startTestCa, type TestCa } from './testing/test-ca.js';

describe('CA revocation and listing', () => {
  let sut: TestCa;
  const issue = async (instance: string) =>
    sut.call(caActions.caSign, {
      profile: 'agent-identity',
      csr_pem: await buildCsr({ keys: await generateKeyPair(), commonName: 'x' }),
      subject: { instance_id: instance },
    });

  beforeAll(async () => {
    sut = await startTestCa();
  });
  afterAll(() => sut?.destroy());

  it('revokes once, lists the serial in a CRL that openssl parses (PEM and DER), and is idempotent', async () => {
    const doomed = await issue('doomed');
    const kept = await issue('kept');
    const first = await sut.call(caActions.caRevokeCertificate, { serial: doomed.serial, reason: 'keyCompromise' }, { caller: 'admin' });
    expect(first).toEqual({ serial: doomed.serial, revoked: true, already_revoked: false });
    const again = await sut.call(caActions.caRevokeCertificate, { serial: doomed.serial.toUpperCase() }, { caller: 'admin' });
    expect(again).toEqual({ serial: doomed.serial, revoked: true, already_revoked: true });

    const { events } = await sut.runtime.store.load({ context: 'ca', aggregate: 'certificate', id: doomed.serial });
    expect(events.map((e) => [e.kind, e.actor])).toEqual([
      ['system.ca.certificate.issued', 'service:test'],
      ['system.ca.certificate.revoked', 'operator:admin'],
    ]);

    const crl = await sut.call(caActions.caGetCrl, {});
    const text = (await openssl((d) => ['crl', '-in', `${d}/crl.pem`, '-noout', '-text'], { 'crl.pem': crl.crl_pem })).stdout.toLowerCase();
    expect(text).toContain(`serial number: ${doomed.serial}`);
    expect(text).not.toContain(kept.serial);
    const der = await openssl((d) => ['crl', '-inform', 'DER', '-in', `${d}/crl.der`, '-noout', '-text'], { 'crl.der': Buffer.from(crl.crl_der_base64, 'base64') });
    expect(der.stdout.toLowerCase()).toContain(doomed.serial);
    const verified = await openssl((d) => ['crl', '-in', `${d}/crl.pem`, '-CAfile', `${d}/int.pem`, '-noout'], {
      'crl.pem': crl.crl_pem,
      'int.pem': (await sut.call(caActions.caGetChain, {})).chain_pem[0],
    });
    expect(verified.stderr).toMatch(/verify OK/);

    // Served over HTTP too, for CRL distribution points.
    const served = await (await fetch(`${sut.httpUrl}/crl.pem`)).text();
    expect(served).toBe(crl.crl_pem);
    expect((await fetch(`${sut.httpUrl}/crl.der`)).headers.get('content-type')).toMatch(/pkix-crl/);
  });

  it('answers NotFound for an unknown serial and appends nothing', async () => {
    await expect(sut.call(caActions.caRevokeCertificate, { serial: 'abcdef0123' }, { caller: 'admin' })).rejects.toMatchObject({ code: 'NotFound' });
    expect((await sut.runtime.store.load({ context: 'ca', aggregate: 'certificate', id: 'abcdef0123' })).events).toEqual([]);
  });

  it('lists certificates by profile, subject and expiry', async () => {
    const listed = await issue('listed');
    await sut.runtime.projections.certificates.waitFor((await sut.runtime.store.load({ context: 'ca', aggregate: 'certificate', id: listed.serial })).position);
    const bySubject = await sut.call(caActions.caListCertificates, { subject: 'listed' }, { caller: 'admin' });
    expect(bySubject.certificates).toEqual([expect.objectContaining({ serial: listed.serial, profile: 'agent-identity', revoked: false })]);
    const soon = await sut.call(caActions.caListCertificates, { expiring_before: new Date(Date.now() + 86400_000).toISOString() }, { caller: 'admin' });
    expect(soon.certificates).toEqual([]);
    const revoked = await sut.call(caActions.caListCertificates, { profile: 'agent-identity' }, { caller: 'admin' });
    expect(revoked.certificates.filter((c: { revoked: boolean }) => c.revoked).map((c: { subject: string }) => c.subject)).toEqual(['doomed']);
    const active = await sut.call(caActions.caListCertificates, { profile: 'agent-identity', include_revoked: false }, { caller: 'admin' });
    expect(active.certificates.map((c: { subject: string }) => c.subject)).not.toContain('doomed');
  });
});
