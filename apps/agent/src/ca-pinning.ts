import { sha256Fingerprint } from '@powernode/pki';
import { AgentFatalError } from './errors.js';
import { certificatesOf } from './identity.js';

/**
 * The CA chain from GET /agent/ca.pem (intermediate first, root last), accepted only when the root's DER
 * hashes to the fingerprint pinned in the bootstrap token. Until this passes nothing secret is sent.
 */
export function pinCaChain(bundle: string, expectedFingerprint: string): string[] {
  let chain: string[];
  try {
    chain = certificatesOf(bundle);
  } catch {
    throw new AgentFatalError('the platform sent a CA chain that is not a PEM certificate bundle; refusing to enrol');
  }
  const root = chain.at(-1);
  if (root === undefined) throw new AgentFatalError('the platform sent an empty CA chain; refusing to enrol');
  const actual = sha256Fingerprint(root);
  if (actual !== expectedFingerprint.toLowerCase()) {
    throw new AgentFatalError(
      `CA pin mismatch: the platform's root CA has SHA-256 ${actual} but the bootstrap token pins ${expectedFingerprint}; ` +
        'refusing to enrol (wrong --platform-url, a token from another platform, or someone in between)',
    );
  }
  return chain;
}
