import { agentProtocol } from '@powernode/contracts';
import { UsageError } from './errors.js';

/**
 * The root-CA pin (lowercase hex SHA-256 of the root certificate DER) carried by a pnb1 bootstrap token.
 * The message never repeats the token: it is a secret.
 */
export function bootstrapTokenFingerprint(token: string): string {
  const fingerprint = agentProtocol.caFingerprintOfBootstrapToken(token.trim());
  if (fingerprint === undefined) throw new UsageError('the bootstrap token is not a pnb1 token (expected pnb1.<64 hex>.<secret>)');
  return fingerprint;
}
