// The probe against a Node HTTPS server that answers like dockerd, on ::1: no NATS, PostgreSQL or WireGuard needed.
import { once } from 'node:events';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { createCaHierarchy, exportPrivateKeyPem, generateKeyPair, issueCertificate, type CaHierarchy, type ExtendedKeyUsageName } from '@powernode/pki';
import type { PlatformClientTls } from './platform-docker-client.js';
import { probeDaemon } from './daemon-probe.js';

const DAY = 86_400_000;

async function leaf(ca: CaHierarchy, commonName: string, extendedKeyUsages: ExtendedKeyUsageName[], ipAddresses: string[] = []) {
  const keys = await generateKeyPair();
  const now = Date.now();
  const certificate = await issueCertificate({
    issuer: { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey },
    subjectPublicKey: keys.publicKey,
    commonName,
    dnsNames: [],
    ipAddresses,
    extendedKeyUsages,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + DAY),
  });
  return { cert: certificate.certificatePem + ca.intermediate.certificatePem, key: await exportPrivateKeyPem(keys.privateKey) };
}

/** dockerd's two answers the probe needs, behind mutual TLS with the given server certificate. */
async function fakeDaemon(ca: CaHierarchy, server: { cert: string; key: string }): Promise<{ server: Server; port: number; clients: string[] }> {
  const clients: string[] = [];
  const sut = createServer({ ...server, ca: [ca.root.certificatePem], requestCert: true, rejectUnauthorized: true }, (req, res) => {
    clients.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN));
    if (req.url?.endsWith('/_ping')) return void res.writeHead(200, { 'content-type': 'text/plain' }).end('OK');
    if (req.url?.endsWith('/version')) return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ Version: '25.0.3', ApiVersion: '1.44' }));
    res.writeHead(404).end();
  });
  sut.on('tlsClientError', () => undefined);
  sut.listen(0, '::1');
  await once(sut, 'listening');
  return { server: sut, port: (sut.address() as AddressInfo).port, clients };
}

describe(probeDaemon.name, () => {
  let ca: CaHierarchy;
  let client: PlatformClientTls;
  const servers: Server[] = [];

  beforeAll(async () => {
    const now = Date.now();
    ca = await createCaHierarchy({ rootCommonName: 'Probe Root', intermediateCommonName: 'Probe Issuing', notBefore: new Date(now - DAY), rootNotAfter: new Date(now + 30 * DAY), intermediateNotAfter: new Date(now + 30 * DAY) });
    client = { ...(await leaf(ca, 'powernode-platform', ['clientAuth'])), ca: ca.chain };
  });
  afterAll(() => {
    for (const s of servers) s.close();
  });

  it('pings an IPv6 daemon over mutual TLS and reads its version', async () => {
    const daemon = await fakeDaemon(ca, await leaf(ca, 'docker-daemon', ['serverAuth'], ['::1']));
    servers.push(daemon.server);
    await expect(probeDaemon('::1', client, 2_000, daemon.port)).resolves.toEqual({ version: '25.0.3' });
    expect(daemon.clients).toContain('powernode-platform');
  });

  it('refuses a daemon whose certificate names another overlay address', async () => {
    const daemon = await fakeDaemon(ca, await leaf(ca, 'docker-daemon', ['serverAuth'], ['fd00::99']));
    servers.push(daemon.server);
    await expect(probeDaemon('::1', client, 2_000, daemon.port)).rejects.toMatchObject({ code: 'DaemonUnreachable', message: expect.stringContaining('[::1]') });
  });

  it('refuses a daemon certificate from another CA', async () => {
    const now = Date.now();
    const other = await createCaHierarchy({ rootCommonName: 'Other Root', intermediateCommonName: 'Other Issuing', notBefore: new Date(now - DAY), rootNotAfter: new Date(now + DAY), intermediateNotAfter: new Date(now + DAY) });
    const daemon = await fakeDaemon(ca, await leaf(other, 'docker-daemon', ['serverAuth'], ['::1']));
    servers.push(daemon.server);
    await expect(probeDaemon('::1', client, 2_000, daemon.port)).rejects.toMatchObject({ code: 'DaemonUnreachable' });
  });

  it('calls nothing listening unreachable, with the reason', async () => {
    const daemon = await fakeDaemon(ca, await leaf(ca, 'docker-daemon', ['serverAuth'], ['::1']));
    const { port } = daemon;
    await new Promise((resolve) => daemon.server.close(resolve));
    await expect(probeDaemon('::1', client, 2_000, port)).rejects.toMatchObject({ code: 'DaemonUnreachable', details: { reason: expect.stringContaining('ECONNREFUSED') } });
  });
});
