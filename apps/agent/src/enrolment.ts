import { agentProtocol } from '@powernode/contracts';
import { buildCsr, exportPrivateKeyPem, generateKeyPair, sha256Fingerprint } from '@powernode/pki';
import type { Logger } from 'pino';
import { bootstrapTokenFingerprint } from './bootstrap-token.js';
import { pinCaChain } from './ca-pinning.js';
import { AgentFatalError, describeError } from './errors.js';
import { collectFacts } from './facts.js';
import { certificateMatchesKey, certificatesOf, type AgentIdentity } from './identity.js';
import { PlatformClient, PlatformHttpError } from './platform-client.js';
import { retryTransient } from './retry.js';

const REQUEST_TIMEOUT_MS = 15_000;

export interface EnrolOptions {
  platformUrl: URL;
  bootstrapToken: string;
  logger: Logger;
  signal: AbortSignal;
}

/** Pins the platform CA by the token's fingerprint, then trades the token and a fresh CSR for an identity. */
export async function enrol({ platformUrl, bootstrapToken, logger, signal }: EnrolOptions): Promise<AgentIdentity> {
  const pin = bootstrapTokenFingerprint(bootstrapToken);
  const chain = await retryTransient('fetching the platform CA chain', () => fetchPinnedChain(platformUrl, pin, signal), {
    signal,
    logger,
    fatal: (error) => new AgentFatalError(`cannot fetch the platform CA chain: ${describeError(error).message}`),
  });
  const root = chain.at(-1) as string;
  logger.info({ root_sha256: pin }, 'platform CA pinned');

  const keys = await generateKeyPair('Ed25519');
  const keyPem = await exportPrivateKeyPem(keys.privateKey);
  const csrPem = await buildCsr({ keys, commonName: 'agent' });

  const client = new PlatformClient(platformUrl, { kind: 'pinned', rootPem: root });
  try {
    const response = await retryTransient(
      'enrolment',
      () =>
        client.postJson(
          agentProtocol.AGENT_PATHS.enroll,
          { bootstrap_token: bootstrapToken, csr_pem: csrPem, facts: collectFacts() },
          agentProtocol.enrollResponse,
          { signal, timeoutMs: REQUEST_TIMEOUT_MS },
        ),
      { signal, logger, fatal: enrolmentRefused },
    );
    if (!certificateMatchesKey(response.certificate_pem, keyPem)) throw new AgentFatalError('the platform issued a certificate for another key');
    const issuedChain = response.chain_pem.length === 0 ? chain : certificatesOf(response.chain_pem.join(''));
    if (sha256Fingerprint(issuedChain.at(-1) as string) !== pin) throw new AgentFatalError("the enrolment answer's CA chain does not end in the pinned root");
    return { instanceId: response.instance_id, keyPem, certPem: response.certificate_pem, chainPem: issuedChain };
  } finally {
    client.close();
  }
}

async function fetchPinnedChain(platformUrl: URL, pin: string, signal: AbortSignal): Promise<string[]> {
  const client = new PlatformClient(platformUrl, { kind: 'unverified' });
  try {
    return pinCaChain(await client.getText(agentProtocol.AGENT_PATHS.caChain, { signal, timeoutMs: REQUEST_TIMEOUT_MS }), pin);
  } finally {
    client.close();
  }
}

function enrolmentRefused(error: unknown): AgentFatalError {
  if (error instanceof PlatformHttpError && error.status === 401) {
    return new AgentFatalError(
      'the platform rejected the bootstrap token (InvalidBootstrapToken: used, expired or forged); issue a new token and restart the agent with it',
    );
  }
  return new AgentFatalError(`enrolment refused: ${describeError(error).message}`);
}
