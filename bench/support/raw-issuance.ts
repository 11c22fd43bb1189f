import { createCaHierarchy, generateKeyPair, issueCertificate } from '@powernode/pki';

/** Completed calls per second of `one`, `concurrency` of them in flight, `count` in all. */
export async function timed(count: number, one: () => Promise<unknown>, concurrency = 64): Promise<number> {
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < count) await one();
    }),
  );
  return count / (Number(process.hrtime.bigint() - started) / 1e9);
}

/** Raw issuance, the baseline of the CA's throughput: the same library, key type and extensions, no service around it. */
export async function rawIssuer(): Promise<() => Promise<unknown>> {
  const now = new Date();
  const day = new Date(now.getTime() + 86_400_000);
  const ca = await createCaHierarchy({ rootCommonName: 'bench root', intermediateCommonName: 'bench issuing', notBefore: now, rootNotAfter: day, intermediateNotAfter: day });
  const issuer = { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey };
  const leaf = await generateKeyPair();
  return () =>
    issueCertificate({
      issuer,
      subjectPublicKey: leaf.publicKey,
      commonName: 'bench-instance',
      dnsNames: [],
      ipAddresses: [],
      extendedKeyUsages: ['clientAuth'],
      notBefore: new Date(),
      notAfter: new Date(Date.now() + 86_400_000),
    });
}

/** In-process signatures per second (best of two rounds after a warm-up): the figure service rates are held against. */
export async function rawSigningRate(certs = 2_000): Promise<number> {
  const raw = await rawIssuer();
  await timed(300, raw);
  return Math.max(await timed(certs, raw), await timed(certs, raw));
}
