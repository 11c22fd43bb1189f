import type { TLSSocket } from 'node:tls';
import { PlatformError, catalogEvents } from '@powernode/contracts';
import { certificateInfo, derToPem } from '@powernode/pki';

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
  const info = certificateInfo(derToPem(peer.raw, 'CERTIFICATE'));
  if (!info.extendedKeyUsages.includes('clientAuth') || !catalogEvents.instanceId.safeParse(info.subjectCn).success) {
    throw new PlatformError('Unauthenticated', 'not an agent identity certificate');
  }
  return { instanceId: info.subjectCn, serial: info.serial };
}
