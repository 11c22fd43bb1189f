import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { caActions } from '@powernode/contracts';
import { buildCsr, createRootCa, exportPrivateKeyPem, generateKeyPair, issueCertificate } from '@powernode/pki';
import { startTestCa, type TestCa } from './testing/test-ca.js';

/** Connects to 127.0.0.1 but checks the server's identity as the overlay address it would have. */
function connect(port: number, ca: string[], client?: { cert: string; key: string }, overlay = 'fd00::1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port,
      ca,
      ...client,
      checkServerIdentity: (_host, cert) => tls.checkServerIdentity(overlay, cert),
    });
    socket.setEncoding('utf8');
    socket.once('data', (data: string) => {
      resolve(data);
      socket.end();
    });
    socket.once('error', reject);
    socket.once('end', () => reject(new Error('closed without data')));
  });
}

describe('certificates in a real mutual-TLS handshake', () => {
  let sut: TestCa;
  let server: tls.Server;
  let port: number;
  let chain: string[];

  beforeAll(async () => {
    sut = await startTestCa();
    const daemonKeys = await generateKeyPair();
    const daemon = await sut.call(caActions.caSign, {
      profile: 'docker-daemon-server',
      csr_pem: await buildCsr({ keys: daemonKeys, commonName: 'd' }),
      subject: { instance_id: 'inst-1', overlay_address: 'fd00::1', host_name: 'inst-1.nodes.powernode' },
    });
    chain = daemon.chain_pem;
    server = tls.createServer(
      { cert: daemon.cert_pem + chain[0], key: await exportPrivateKeyPem(daemonKeys.privateKey), ca: [chain[1]!], requestCert: true, rejectUnauthorized: true },
      (socket) => socket.end(`hello ${socket.getPeerCertificate().subject.CN}`),
    );
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server?.close();
    await sut?.destroy();
  });

  it('accepts a client holding an operator-client certificate', async () => {
    const operator = await sut.call(caActions.dockerExportOperatorCert, { ttl: '1h' }, { caller: 'alice' });
    expect(await connect(port, [chain[1]!], { cert: operator.cert_pem, key: operator.key_pem })).toBe('hello alice');
  });

  it('is not a valid server identity for another overlay address', async () => {
    const operator = await sut.call(caActions.dockerExportOperatorCert, { ttl: '1h' }, { caller: 'alice' });
    await expect(connect(port, [chain[1]!], { cert: operator.cert_pem, key: operator.key_pem }, 'fd00::2')).rejects.toThrow(/fd00::2|altnames/i);
  });

  it('rejects a client without a certificate', async () => {
    await expect(connect(port, [chain[1]!])).rejects.toThrow();
  });

  it('rejects a client whose certificate comes from another CA', async () => {
    const now = new Date();
    const rogueKeys = await generateKeyPair();
    const rogue = await createRootCa({ commonName: 'Rogue', keys: rogueKeys, notBefore: now, notAfter: new Date(now.getTime() + 3600_000) });
    const clientKeys = await generateKeyPair();
    const leaf = await issueCertificate({
      issuer: { certificatePem: rogue.certificatePem, privateKey: rogueKeys.privateKey },
      subjectPublicKey: clientKeys.publicKey,
      commonName: 'alice',
      dnsNames: [],
      ipAddresses: [],
      extendedKeyUsages: ['clientAuth'],
      notBefore: now,
      notAfter: new Date(now.getTime() + 3600_000),
    });
    await expect(connect(port, [chain[1]!], { cert: leaf.certificatePem, key: await exportPrivateKeyPem(clientKeys.privateKey) })).rejects.toThrow();
  });
});
