import { DOCKER_PHASES, PlatformError, agentProtocol, parseInput, type DockerPhase } from '@powernode/contracts';
import { verifyCsr, type VerifiedCsr } from '@powernode/pki';

/** One handshake call, checked for its phase before anything is read or recorded: bad input changes nothing. */
export type PhaseRequest =
  | { phase: 'installing'; progress?: string }
  | { phase: 'waiting_overlay' }
  | { phase: 'wants_cert'; csrPem: string; csr: VerifiedCsr }
  | { phase: 'wants_config'; tlsDir: string }
  | { phase: 'ready'; version: string }
  | { phase: 'stopped'; reason?: string }
  | { phase: 'failed'; error: string };

export const SUPPORTED_RUNTIMES = ['docker'] as const;

function isDockerPhase(phase: string): phase is DockerPhase {
  return (DOCKER_PHASES as readonly string[]).includes(phase);
}

function required<T>(value: T | undefined, field: string, phase: string): T {
  if (value === undefined) throw new PlatformError('InvalidInput', `phase ${phase} needs ${field}`, { issues: [{ field, message: `required for phase ${phase}` }] });
  return value;
}

/**
 * Parses a `POST /runtime/handshake` body: schema (400 InvalidInput), runtime and phase (422
 * UnsupportedRuntime), the phase's own fields (400), and for wants_cert the CSR itself (400 InvalidCsr, or
 * UnsupportedKey for anything but Ed25519: the daemon key's type is fixed by the platform).
 */
export async function parsePhaseRequest(body: unknown): Promise<PhaseRequest> {
  const request = parseInput(agentProtocol.runtimeHandshakeRequest, body, 'runtime handshake request');
  if (!(SUPPORTED_RUNTIMES as readonly string[]).includes(request.runtime)) {
    throw new PlatformError('UnsupportedRuntime', `runtime ${request.runtime} is not supported`, { runtime: request.runtime, supported: [...SUPPORTED_RUNTIMES] });
  }
  const { phase } = request;
  if (!isDockerPhase(phase)) throw new PlatformError('UnsupportedRuntime', `the docker runtime has no phase ${phase}`, { runtime: request.runtime, phase, phases: [...DOCKER_PHASES] });
  switch (phase) {
    case 'installing':
      return { phase, ...(request.progress === undefined ? {} : { progress: request.progress }) };
    case 'waiting_overlay':
      return { phase };
    case 'wants_cert': {
      const csrPem = required(request.csr_pem, 'csr_pem', phase);
      const csr = await verifyCsr(csrPem);
      if (csr.algorithm !== 'Ed25519') throw new PlatformError('UnsupportedKey', `the daemon key must be Ed25519, not ${csr.algorithm}`, { algorithm: csr.algorithm });
      return { phase, csrPem, csr };
    }
    case 'wants_config':
      return { phase, tlsDir: required(request.tls_dir, 'tls_dir', phase) };
    case 'ready':
      return { phase, version: required(request.version, 'version', phase) };
    case 'stopped':
      return { phase, ...(request.error === undefined ? {} : { reason: request.error }) };
    case 'failed':
      return { phase, error: required(request.error, 'error', phase) };
    default: {
      const unreachable: never = phase;
      throw new Error(`unknown phase ${String(unreachable)}`);
    }
  }
}
