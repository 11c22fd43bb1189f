import { agentProtocol } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair, sha256Fingerprint } from '@powernode/pki';
import { certificateMatchesKey, certificatesOf, rootFingerprint, type AgentIdentity } from './identity.js';
import { InvalidResponseError, type PlatformClient } from './platform-client.js';

/** A new key and CSR → POST /agent/renew over the current mTLS identity → the identity to store next. */
export async function renewIdentity(client: PlatformClient, current: AgentIdentity, signal: AbortSignal): Promise<AgentIdentity> {
  const keys = await generateKeyPair('Ed25519');
  const keyPem = await exportPrivateKeyPem(keys.privateKey);
  const csrPem = await buildCsr({ keys, commonName: 'agent' });
  const response = await client.postJson(agentProtocol.AGENT_PATHS.renew, { csr_pem: csrPem }, agentProtocol.renewResponse, { signal, timeoutMs: 15_000 });
  if (!certificateMatchesKey(response.certificate_pem, keyPem)) throw new InvalidResponseError('the renewed certificate is for another key');
  const chain = response.chain_pem.length === 0 ? current.chainPem : certificatesOf(response.chain_pem.join(''));
  // The root stays pinned for the life of the identity; a new root needs a new enrolment.
  if (sha256Fingerprint(chain.at(-1) as string) !== rootFingerprint(current)) throw new InvalidResponseError('the renewed chain ends in another root');
  return { instanceId: current.instanceId, keyPem, certPem: response.certificate_pem, chainPem: chain };
}
