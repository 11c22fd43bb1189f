import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';

// Node's webcrypto is the WebCrypto @peculiar/x509 expects; the types differ only because this repo compiles without DOM lib.
x509.cryptoProvider.set(webcrypto as never);

/** A fresh P-256 key and a CSR for it (with whatever SANs the requester would like, which the CA must ignore). */
export async function createTestCsr(commonName = 'node-1', askedDnsSans: string[] = []): Promise<{ csrPem: string; spkiDer: Buffer }> {
  const algorithm = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };
  const keys = (await webcrypto.subtle.generateKey(algorithm, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const csr = await x509.Pkcs10CertificateRequestGenerator.create({
    name: `CN=${commonName}`,
    keys,
    signingAlgorithm: algorithm,
    extensions: askedDnsSans.length > 0 ? [new x509.SubjectAlternativeNameExtension(askedDnsSans.map((value) => ({ type: 'dns', value })))] : [],
  });
  return { csrPem: csr.toString('pem'), spkiDer: Buffer.from(await webcrypto.subtle.exportKey('spki', keys.publicKey)) };
}
