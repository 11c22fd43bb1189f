// One whole platform (CA, catalog, sdwan, handshake, gateway) with the valid state the bad-input table aims at:
// accounts, a template, instance and network, enrolled agents (one of them re-enrolled), docker hosts at two phases,
// used and unused bootstrap tokens, and hostile client certificates and CSRs.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { catalogActions, dockerHostIdOf } from '@powernode/contracts';
import { dockerHostRef } from '@powernode/docker-host';
import { buildCsr, createCaHierarchy, exportPrivateKeyPem, generateKeyPair, issueCertificate, pemToDer, derToPem } from '@powernode/pki';
import { eventually } from '@powernode/testing';
import { startTestGateway, type TestGateway } from '../../../apps/gateway/src/testing/test-gateway.js';
import { lastStreamSeq } from '../../../apps/handshake/src/stream-position.js';
import { agentKeyAndCsr, agentRequest, testFacts, type AgentTls } from '../../../apps/handshake/src/testing/agent-client.js';
import { Doors } from './bad-input-doors.js';
import { startHandshakePlatform, type EnrolledAgent, type HandshakePlatform } from './handshake-platform.js';

export interface DockerAgent extends EnrolledAgent {
  overlay: string;
  hostId: string;
}

export interface HostileCsrs {
  /** Random bytes, no PEM at all. */
  randomBytes: string;
  /** A CERTIFICATE REQUEST block around random bytes. */
  pemGarbage: string;
  /** RSA 2048 (openssl), asking for foreign names. */
  rsa: string;
  /** ECDSA P-384 (openssl): a curve the platform does not accept. */
  ecdsaP384: string;
  /** ECDSA P-256: accepted for agents, not for a docker daemon. */
  ecdsaP256: string;
  /** Ed25519 with the self-signature broken. */
  tampered: string;
  /** Two CSR blocks in one field. */
  twoBlocks: string;
  /** Ed25519, CN = another instance's id, SANs of someone else. */
  foreignNames: string;
  /** A certificate where a CSR belongs. */
  certificate: string;
}

export interface BadInputPlatform {
  doors: Doors;
  hs: HandshakePlatform;
  gateway: TestGateway;
  adminToken: string;
  viewerToken: string;
  templateId: string;
  instanceId: string;
  networkId: string;
  /** An enrolled agent (re-enrolled once: `staleTls` is its replaced identity). */
  agent: EnrolledAgent;
  staleTls: AgentTls;
  /** Chains to another CA, but names `agent`'s instance with clientAuth. */
  foreignTls: AgentTls;
  /** Another instance's agent. */
  other: EnrolledAgent;
  /** Docker assigned, `installing` reported: no daemon certificate yet. */
  installing: DockerAgent;
  /** Through wants_cert: the daemon certificate is signed, no configuration fetched yet. */
  certified: DockerAgent & { daemonCsrPem: string; daemonSerial: string; daemonTls: AgentTls };
  /** Redeemed by an enrolment. */
  usedToken: string;
  /** Issued, never redeemed (refused CSRs do not redeem it). */
  unusedToken: string;
  csr: HostileCsrs;
  lastSeq(): Promise<number>;
  /** Waits until nothing appends to the stream any more. */
  settle(): Promise<void>;
  destroy(): Promise<void>;
}

function opensslCsr(newkey: string[], subject: string, sans?: string): string {
  const args = ['req', '-new', ...newkey, '-nodes', '-keyout', '/dev/null', '-subj', subject, ...(sans ? ['-addext', `subjectAltName=${sans}`] : [])];
  return execFileSync('openssl', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
}

async function hostileCsrs(otherInstanceId: string, certificatePem: string): Promise<HostileCsrs> {
  const foreign = `DNS:evil.example,DNS:${otherInstanceId}.nodes.powernode,IP:10.6.6.6,IP:fd66::6`;
  const { csrPem } = await agentKeyAndCsr(otherInstanceId);
  const der = Buffer.from(pemToDer(csrPem));
  der[der.length - 1] ^= 0xff; // the last byte is the signature's
  const wrap = (bytes: Buffer) => `-----BEGIN CERTIFICATE REQUEST-----\n${bytes.toString('base64').replace(/.{64}/g, '$&\n')}\n-----END CERTIFICATE REQUEST-----\n`;
  const foreignKeys = await generateKeyPair();
  const p256 = await generateKeyPair('ECDSA-P256');
  return {
    randomBytes: randomBytes(256).toString('latin1'),
    pemGarbage: wrap(randomBytes(300)),
    rsa: opensslCsr(['-newkey', 'rsa:2048'], `/CN=${otherInstanceId}`, foreign),
    ecdsaP384: opensslCsr(['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-384'], `/CN=${otherInstanceId}`),
    ecdsaP256: await buildCsr({ keys: p256, commonName: 'daemon' }),
    tampered: derToPem(der, 'CERTIFICATE REQUEST'),
    twoBlocks: csrPem + csrPem,
    foreignNames: await buildCsr({ keys: foreignKeys, commonName: otherInstanceId, dnsNames: ['evil.example', `${otherInstanceId}.nodes.powernode`], ipAddresses: ['10.6.6.6', 'fd66::6'] }),
    certificate: certificatePem,
  };
}

/** A client certificate for `instanceId` with clientAuth, from a CA the platform never heard of. */
async function foreignClientTls(instanceId: string, root: string): Promise<AgentTls> {
  const now = Date.now();
  const ca = await createCaHierarchy({
    rootCommonName: 'Powernode Root', // the same name as the real one: only the key tells them apart
    intermediateCommonName: 'Powernode Intermediate',
    notBefore: new Date(now - 3_600_000),
    rootNotAfter: new Date(now + 86_400_000),
    intermediateNotAfter: new Date(now + 86_400_000),
  });
  const keys = await generateKeyPair();
  const leaf = await issueCertificate({
    issuer: { certificatePem: ca.intermediate.certificatePem, privateKey: ca.intermediateKeys.privateKey },
    subjectPublicKey: keys.publicKey,
    commonName: instanceId,
    dnsNames: [],
    ipAddresses: [],
    extendedKeyUsages: ['clientAuth'],
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + 3_600_000),
  });
  return { ca: [root], cert: leaf.certificatePem + ca.intermediate.certificatePem, key: await exportPrivateKeyPem(keys.privateKey) };
}

export async function startBadInputPlatform(): Promise<BadInputPlatform> {
  // No liveness transitions in the background: the stream moves only when a call makes it.
  const hs = await startHandshakePlatform({ HEARTBEAT_INTERVAL_S: '3600' });
  const gateway = await startTestGateway(hs.handshake.platform);
  const doors = new Doors(gateway, hs.handshake.url);
  const adminToken = gateway.adminToken;
  const lastSeq = () => lastStreamSeq(hs.handshake.runtime);

  const ok = async <T>(name: string, input: unknown): Promise<T> => {
    const outcome = await doors.http(name, input, adminToken);
    if (outcome.status !== 200) throw new Error(`${name}: ${outcome.status} ${JSON.stringify(outcome.body)}`);
    return outcome.body as T;
  };
  await ok<unknown>('identity_create_account', { name: 'vera', roles: ['viewer'] });
  const { token: viewerToken } = await ok<{ token: string }>('identity_issue_token', { account_id: 'vera' });

  const enrol = async (token: string) => {
    const { keyPem, csrPem } = await agentKeyAndCsr();
    const res = await agentRequest(hs.handshake.url, '/agent/enroll', { ca: [hs.root] }, { bootstrap_token: token, csr_pem: csrPem, facts: testFacts });
    if (res.status !== 200) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
    return { ca: [hs.root], cert: res.body.certificate_pem + res.body.chain_pem[0], key: keyPem };
  };
  const first = await hs.provision();
  const staleTls = await enrol((await hs.handshake.issueToken(first.instanceId)).token);
  const usedToken = (await hs.handshake.issueToken(first.instanceId)).token;
  const agent: EnrolledAgent = { ...first, tls: await enrol(usedToken) };
  const other = await hs.enrolAgent();
  const unusedToken = (await hs.handshake.issueToken((await hs.provision()).instanceId)).token;

  const handshake = (a: EnrolledAgent, body: Record<string, unknown>) => agentRequest(hs.handshake.url, '/runtime/handshake', a.tls, { runtime: 'docker', ...body });
  const dockerAgent = async (): Promise<DockerAgent> => {
    const enrolled = await hs.enrolAgent();
    const peer = await hs.attachPeer(enrolled.instanceId);
    await hs.catalog.call(catalogActions.systemAssignModuleToTemplate, { template_id: enrolled.templateId, module_name: 'docker-engine' });
    await eventually(async () => {
      const { events } = await hs.handshake.runtime.store.load(dockerHostRef(enrolled.instanceId));
      if (!events.some((e) => e.kind === 'system.docker.module.assigned')) throw new Error('module.assigned not recorded yet');
    });
    const installed = await handshake(enrolled, { phase: 'installing' });
    if (installed.status !== 200) throw new Error(`installing: ${installed.status} ${JSON.stringify(installed.body)}`);
    return { ...enrolled, overlay: peer.overlay_address, hostId: dockerHostIdOf(enrolled.instanceId) };
  };
  const installing = await dockerAgent();
  const walked = await dockerAgent();
  const daemonKeys = await generateKeyPair();
  const daemonCsrPem = await buildCsr({ keys: daemonKeys, commonName: 'daemon' });
  const signed = await handshake(walked, { phase: 'wants_cert', csr_pem: daemonCsrPem });
  if (signed.status !== 200) throw new Error(`wants_cert: ${signed.status} ${JSON.stringify(signed.body)}`);
  const daemonTls = { ca: [hs.root], cert: signed.body.certificate.cert_pem + signed.body.certificate.chain_pem[0], key: await exportPrivateKeyPem(daemonKeys.privateKey) };

  const { template } = await ok<{ template: { id: string } }>('system_create_template', { name: 'bad-input' });
  const { instance } = await ok<{ instance: { id: string } }>('system_provision_instance', { template_id: template.id, name: 'bad-input-node' });

  const platform: BadInputPlatform = {
    doors,
    hs,
    gateway,
    adminToken,
    viewerToken,
    templateId: template.id,
    instanceId: instance.id,
    networkId: hs.networkId,
    agent,
    staleTls,
    foreignTls: await foreignClientTls(agent.instanceId, hs.root),
    other,
    installing,
    certified: { ...walked, daemonCsrPem, daemonSerial: signed.body.certificate.serial, daemonTls },
    usedToken,
    unusedToken,
    csr: await hostileCsrs(other.instanceId, other.tls.cert),
    lastSeq,
    settle: async () => {
      await eventually(
        async () => {
          const before = await lastSeq();
          await delay(1_000);
          if ((await lastSeq()) !== before) throw new Error('the stream is still moving');
        },
        { timeoutMs: 30_000 },
      );
    },
    destroy: async () => {
      await doors.close();
      await gateway.destroy();
      await hs.destroy();
    },
  };
  return platform;
}
