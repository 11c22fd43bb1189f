import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer, type ConnectionOptions, type Server, type TLSSocket } from 'node:tls';
import { exportPrivateKeyPem, type ExtendedKeyUsageName } from './index.js';
import { createTestCa, issueTestLeaf, type TestCa } from './testing/test-ca.js';

interface Credentials {
  cert: string; // leaf + intermediate
  key: string;
}

async function credentials(ca: TestCa, options: { commonName: string; ipAddresses?: string[]; extendedKeyUsages: ExtendedKeyUsageName[] }): Promise<Credentials> {
  const { certificate, keys } = await issueTestLeaf(ca, { ipAddresses: [], ...options });
  return { cert: certificate.certificatePem + ca.intermediate.certificatePem, key: await exportPrivateKeyPem(keys.privateKey) };
}

/** Connects and waits for the server's greeting, an error, or the socket closing without one. */
async function attempt(port: number, options: ConnectionOptions): Promise<{ greeting?: string; error?: string }> {
  const socket = connect({ host: '127.0.0.1', port, minVersion: 'TLSv1.3', ...options });
  const outcome = await new Promise<{ greeting?: string; error?: string }>((resolve) => {
    let greeting = '';
    socket.on('data', (chunk: Buffer) => {
      greeting += chunk.toString();
      if (greeting.endsWith('\n')) resolve({ greeting: greeting.trim() });
    });
    socket.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    socket.on('close', () => resolve({ error: 'closed without greeting' }));
  });
  socket.destroy();
  return outcome;
}

describe('mutual TLS with issued certificates', () => {
  let ca: TestCa;
  let server: Server;
  let port: number;
  let client: Credentials;
  /** CNs of the client certificates the server accepted (a rejected client never reaches the handler). */
  const accepted: string[] = [];

  beforeAll(async () => {
    ca = await createTestCa();
    const serverCredentials = await credentials(ca, { commonName: 'daemon', ipAddresses: ['127.0.0.1', 'fd00::1'], extendedKeyUsages: ['serverAuth'] });
    client = await credentials(ca, { commonName: 'operator', extendedKeyUsages: ['clientAuth'] });
    server = createServer({ ...serverCredentials, ca: [ca.root.certificatePem], requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (socket: TLSSocket) => {
      const commonName = String(socket.getPeerCertificate().subject?.CN);
      accepted.push(commonName);
      socket.end(`hello ${commonName}\n`);
    });
    server.on('tlsClientError', () => undefined);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    server.close();
    await once(server, 'close');
  });

  it('a clientAuth leaf from the same CA connects, and the client checks the server IP SAN', async () => {
    // Default checkServerIdentity: the host 127.0.0.1 must be an IP SAN of the serverAuth leaf.
    expect(await attempt(port, { ...client, ca: [ca.root.certificatePem] })).toEqual({ greeting: 'hello operator' });
    expect(accepted).toContain('operator');
  });

  it('an ECDSA P-256 clientAuth leaf under the Ed25519 CA connects too', async () => {
    const { certificate, keys } = await issueTestLeaf(ca, { commonName: 'ec-operator', extendedKeyUsages: ['clientAuth'], keyAlgorithm: 'ECDSA-P256' });
    const ecClient = { cert: certificate.certificatePem + ca.intermediate.certificatePem, key: await exportPrivateKeyPem(keys.privateKey) };
    expect(await attempt(port, { ...ecClient, ca: [ca.root.certificatePem] })).toEqual({ greeting: 'hello ec-operator' });
  });

  it('a client without a certificate is rejected', async () => {
    const before = accepted.length;
    expect(await attempt(port, { ca: [ca.root.certificatePem] })).toEqual({ error: 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED' });
    expect(accepted.length).toBe(before);
  });

  it('a client with a certificate from another CA is rejected', async () => {
    const other = await createTestCa();
    const result = await attempt(port, { ...(await credentials(other, { commonName: 'intruder', extendedKeyUsages: ['clientAuth'] })), ca: [ca.root.certificatePem] });
    expect(result.greeting).toBeUndefined();
    expect(accepted).not.toContain('intruder');
  });

  it('a serverAuth-only leaf cannot be used as a client certificate', async () => {
    const serverOnly = await credentials(ca, { commonName: 'not-a-client', extendedKeyUsages: ['serverAuth'] });
    const result = await attempt(port, { ...serverOnly, ca: [ca.root.certificatePem] });
    expect(result.greeting).toBeUndefined();
    expect(accepted).not.toContain('not-a-client');
  });

  it('the client refuses a server whose root it does not trust', async () => {
    const other = await createTestCa();
    expect(await attempt(port, { ...client, ca: [other.root.certificatePem] })).toEqual({ error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' });
  });

  describe('server certificate shape', () => {
    async function serve(serverCredentials: Credentials): Promise<{ port: number; stop: () => Promise<void> }> {
      const other = createServer({ ...serverCredentials, ca: [ca.root.certificatePem], requestCert: true, rejectUnauthorized: true, minVersion: 'TLSv1.3' }, (socket) => socket.end('hi\n'));
      other.on('tlsClientError', () => undefined);
      other.listen(0, '127.0.0.1');
      await once(other, 'listening');
      return {
        port: (other.address() as AddressInfo).port,
        stop: async () => {
          other.close();
          await once(other, 'close');
        },
      };
    }

    it('a client refuses a server leaf that lacks the connected IP as a SAN', async () => {
      const sut = await serve(await credentials(ca, { commonName: 'daemon', ipAddresses: ['fd00::1'], extendedKeyUsages: ['serverAuth'] }));
      try {
        expect(await attempt(sut.port, { ...client, ca: [ca.root.certificatePem] })).toEqual({ error: 'ERR_TLS_CERT_ALTNAME_INVALID' });
      } finally {
        await sut.stop();
      }
    });

    it('a client refuses a clientAuth-only server leaf (the original daemon-cert shape)', async () => {
      const sut = await serve(await credentials(ca, { commonName: 'daemon', ipAddresses: ['127.0.0.1'], extendedKeyUsages: ['clientAuth'] }));
      try {
        // OpenSSL checks the server chain for the sslserver purpose: serverAuth EKU is required.
        expect(await attempt(sut.port, { ...client, ca: [ca.root.certificatePem] })).toEqual({ error: 'INVALID_PURPOSE' });
      } finally {
        await sut.stop();
      }
    });
  });
});
