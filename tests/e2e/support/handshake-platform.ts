// CA + catalog + handshake + sdwan as one test platform, and agents that enrol against it.
import type { z } from 'zod';
import { caActions, catalogActions, sdwanActions } from '@powernode/contracts';
import type { LogDestination } from '@powernode/service-kit';
import { dropTestPlatform, testPlatformEnv, type TestPlatformEnv } from '@powernode/testing';
import { startTestCa, type TestCa } from '../../../apps/ca/src/testing/test-ca.js';
import { startTestCatalog, type TestCatalog } from '../../../apps/catalog/src/testing/test-catalog.js';
import { agentKeyAndCsr, agentRequest, testFacts } from '../../../apps/handshake/src/testing/agent-client.js';
import { startTestHandshake, type TestHandshake } from '../../../apps/handshake/src/testing/test-handshake.js';
import { startTestSdwan, type TestSdwan } from '../../../apps/sdwan/src/testing/test-sdwan.js';

export type SdwanPeer = z.output<typeof sdwanActions.systemSdwanAttachPeer.output>['peer'];

export interface EnrolledAgent {
  instanceId: string;
  templateId: string;
  tls: { ca: string[]; cert: string; key: string };
}

export interface HandshakePlatform {
  ca: TestCa;
  catalog: TestCatalog;
  handshake: TestHandshake;
  sdwan: TestSdwan;
  /** The platform root, as an agent pins it. */
  root: string;
  /** A new template and an instance of it. */
  provision(): Promise<{ instanceId: string; templateId: string }>;
  /** Provisions an instance and enrols an agent for it with a fresh bootstrap token. */
  enrolAgent(): Promise<EnrolledAgent>;
  /** The platform's test network. */
  networkId: string;
  /** A new SDWAN network; its id. */
  createNetwork(name: string): Promise<string>;
  /** Attaches the instance to a network (the test network by default: what docker-engine needs first); the peer. */
  attachPeer(instanceId: string, networkId?: string): Promise<SdwanPeer>;
  /** Stops the sdwan service for good (an outage for the rest of the file). */
  stopSdwan(): Promise<void>;
  destroy(): Promise<void>;
}

let templates = 0;

export interface HandshakePlatformOptions {
  /** The platform to join (its env sets e.g. LOG_LEVEL); a fresh one by default. */
  platform?: TestPlatformEnv;
  /** Where every service writes its log lines (stdout by default). */
  logs?: LogDestination;
}

export async function startHandshakePlatform(overrides: Record<string, string> = {}, options: HandshakePlatformOptions = {}): Promise<HandshakePlatform> {
  const { platform = testPlatformEnv(), logs } = options;
  const ca = await startTestCa(platform, {}, { logs });
  const catalog = await startTestCatalog(platform, {}, { logs });
  const handshake = await startTestHandshake(platform, overrides, { logs });
  const sdwan = await startTestSdwan(platform, {}, { logs });
  let sdwanRunning = true;
  const { network } = await sdwan.call(sdwanActions.systemSdwanCreateNetwork, { name: 'handshake-tests' });
  const { chain_pem } = await ca.call(caActions.caGetChain, {});
  const root: string = chain_pem[chain_pem.length - 1];
  const provision = async () => {
    const { template } = await catalog.call(catalogActions.systemCreateTemplate, { name: `hs-${process.pid}-${(templates += 1)}` });
    const { instance } = await catalog.call(catalogActions.systemProvisionInstance, { template_id: template.id });
    return { instanceId: instance.id as string, templateId: template.id as string };
  };
  return {
    ca,
    catalog,
    handshake,
    sdwan,
    root,
    networkId: network.id,
    provision,
    enrolAgent: async () => {
      const { instanceId, templateId } = await provision();
      const { token } = await handshake.issueToken(instanceId);
      const { keyPem, csrPem } = await agentKeyAndCsr();
      const res = await agentRequest(handshake.url, '/agent/enroll', { ca: [root] }, { bootstrap_token: token, csr_pem: csrPem, facts: testFacts });
      if (res.status !== 200) throw new Error(`enrol failed: ${res.status} ${JSON.stringify(res.body)}`);
      return { instanceId, templateId, tls: { ca: [root], cert: res.body.certificate_pem + res.body.chain_pem[0], key: keyPem } };
    },
    createNetwork: async (name) => (await sdwan.call(sdwanActions.systemSdwanCreateNetwork, { name })).network.id,
    attachPeer: async (instanceId, networkId = network.id) =>
      (await sdwan.call(sdwanActions.systemSdwanAttachPeer, { network_id: networkId, node_instance_id: instanceId })).peer,
    stopSdwan: async () => {
      sdwanRunning = false;
      await sdwan.destroy({ keepData: true });
    },
    destroy: async () => {
      if (sdwanRunning) await sdwan.destroy({ keepData: true });
      await handshake.destroy({ keepData: true });
      await catalog.destroy({ keepData: true });
      await ca.destroy({ keepData: true });
      await dropTestPlatform(platform, ['ca', 'catalog', 'handshake', 'sdwan']);
    },
  };
}
