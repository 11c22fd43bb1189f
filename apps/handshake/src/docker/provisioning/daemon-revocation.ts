import { caActions } from '@powernode/contracts';
import { serviceCaller } from '@powernode/service-kit';
import type { HandshakeRuntime } from '../../runtime.js';

/**
 * A decommissioned host's daemon certificate goes on the CRL (DESIGN §7). dockerd checks no CRL, so this is the
 * record for everyone else who does; revoking twice is harmless, so a retry after a CA outage is safe.
 * Returns whether the CA recorded it.
 */
export async function revokeDaemonCertificate(
  runtime: Pick<HandshakeRuntime, 'rpc' | 'logger'>,
  instanceId: string,
  serial: string,
  attempts = 5,
  reason = 'docker runtime decommissioned',
): Promise<boolean> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await runtime.rpc.call(caActions.caRevokeCertificate, { input: { serial, reason }, caller: serviceCaller('handshake') });
      runtime.logger.info({ instance_id: instanceId, serial, reason }, 'daemon certificate revoked');
      return true;
    } catch (error) {
      if (attempt >= attempts) {
        runtime.logger.error({ err: error, instance_id: instanceId, serial, reason }, 'could not revoke the daemon certificate');
        return false;
      }
      await new Promise((resolve) => setTimeout(resolve, 500 * 2 ** attempt));
    }
  }
}
