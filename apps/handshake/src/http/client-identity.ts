import type { TLSSocket } from 'node:tls';
import { PlatformError, catalogEvents } from '@powernode/contracts';
import { certificateInfo, derToPem } from '@powernode/pki';

/**
 * Identities of the agent certificates seen, by their SHA-256 fingerprint (OpenSSL computes it with the handshake): a
 * heartbeat no longer parses its certificate's ASN.1. Sized for a fleet: at 10,000 agents a smaller bound was
 * evicted before each certificate came back, and parsing was about 4 % of the handshake's CPU.
 */
const identities = new Map<string, AgentIdentity>();
const KEEP_IDENTITIES = 50_000;

/** What a verified agent client certificate says: which instance it speaks for, and its serial. */
export interface AgentIdentity {
  instanceId: string;
  serial: string;
}

/**
 * The agent behind an mTLS request: a client certificate that chained to the platform CA (checked by TLS), with
 * clientAuth and an instance id as its CN. Whether the handshake issued that serial to that instance is the
 * caller's next check. Anything else → Unauthenticated.
 */
export function agentIdentityOf(socket: TLSSocket): AgentIdentity {
  const peer = socket.getPeerCertificate();
  if (!peer || !peer.raw) throw new PlatformError('Unauthenticated', 'a client certificate is required');
  if (!socket.authorized) throw new PlatformError('Unauthenticated', `client certificate not trusted: ${String(socket.authorizationError)}`);
  const known = identities.get(peer.fingerprint256);
  if (known) return { ...known };
  const info = certificateInfo(derToPem(peer.raw, 'CERTIFICATE'));
  if (!info.extendedKeyUsages.includes('clientAuth') || !catalogEvents.instanceId.safeParse(info.subjectCn).success) {
    throw new PlatformError('Unauthenticated', 'not an agent identity certificate');
  }
  const identity = { instanceId: info.subjectCn, serial: info.serial };
  if (identities.size >= KEEP_IDENTITIES) identities.delete(identities.keys().next().value as string);
  identities.set(peer.fingerprint256, identity);
  return { ...identity };
}
