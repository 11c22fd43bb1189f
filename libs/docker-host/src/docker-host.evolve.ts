import type { DockerHostStatus, DockerPhase, EventEnvelope } from '@powernode/contracts';
import type { AssignedDockerModule } from './docker-host.commands.js';

/** `assigned`: docker is assigned and the agent has not reported a phase yet. */
export type HostPhase = 'assigned' | DockerPhase;

/** The daemon certificate the host holds: which key and overlay it was signed for, and its lifetime. */
export interface HostCertificate {
  serial: string;
  notAfter: string;
  /** When cert_signed was recorded: the start of its life for renewal decisions. */
  issuedAt: string;
  publicKeySha256: string;
  overlay: string;
}

export interface HostError {
  phase: DockerPhase;
  reason: string;
  code?: string;
  retrying: boolean;
  at: string;
}

/**
 * A DockerHost, folded from its events. Plain JSON (nulls, no Maps): the hosts read model stores this very
 * state, so the aggregate and the read model can never disagree on what an event means.
 */
export interface DockerHostState extends Record<string, unknown> {
  exists: boolean;
  hostId: string;
  instanceId: string;
  viaTemplate: AssignedDockerModule | null;
  viaInstance: AssignedDockerModule | null;
  decommissioned: boolean;
  /** An operator decommissioned the runtime: the template path does not bring it back (see decide). */
  operatorHold: boolean;
  phase: HostPhase;
  status: DockerHostStatus;
  /** installing / waiting_overlay are recorded once per walk (an assignment, or a restart after stopped). */
  installingRecorded: boolean;
  waitingOverlayRecorded: boolean;
  overlay: string | null;
  apiEndpoint: string | null;
  /** The key of the latest wants_cert. */
  requestedKey: string | null;
  certificate: HostCertificate | null;
  configHash: string | null;
  version: string | null;
  lastError: HostError | null;
  provisionedAt: string | null;
  updatedAt: string | null;
}

export const initialDockerHostState = (): DockerHostState => ({
  exists: false,
  hostId: '',
  instanceId: '',
  viaTemplate: null,
  viaInstance: null,
  decommissioned: false,
  operatorHold: false,
  phase: 'assigned',
  status: 'pending',
  installingRecorded: false,
  waitingOverlayRecorded: false,
  overlay: null,
  apiEndpoint: null,
  requestedKey: null,
  certificate: null,
  configHash: null,
  version: null,
  lastError: null,
  provisionedAt: null,
  updatedAt: null,
});

export function isAssigned(state: DockerHostState): boolean {
  return state.viaTemplate !== null || state.viaInstance !== null;
}

/**
 * Whether health probes watch this host: its daemon was provisioned and is meant to run (assigned, not
 * stopped or decommissioned). A host still walking its handshake is the handshake's business.
 */
export function isProbed(state: DockerHostState): boolean {
  return state.exists && !state.decommissioned && isAssigned(state) && state.provisionedAt !== null && state.phase !== 'stopped';
}

/** The module the host runs: the template's wins when both paths assign one (the desired state does the same). */
export function assignedModule(state: DockerHostState): AssignedDockerModule | null {
  return state.viaTemplate ?? state.viaInstance;
}

type Data = Record<string, unknown>;
const str = (d: Data, key: string) => d[key] as string;
const optionalStr = (d: Data, key: string) => (d[key] === undefined ? {} : { [key]: d[key] as string });

function assigned(state: DockerHostState, d: Data): DockerHostState {
  const module: AssignedDockerModule = {
    moduleId: str(d, 'module_id'),
    moduleName: str(d, 'module_name'),
    moduleVersion: str(d, 'module_version'),
    ...(d.template_id === undefined ? {} : { templateId: str(d, 'template_id') }),
  };
  const next = { ...state, exists: true, hostId: str(d, 'host_id'), instanceId: str(d, 'instance_id'), decommissioned: false, operatorHold: false };
  if (d.via === 'template') next.viaTemplate = module;
  else next.viaInstance = module;
  if (isAssigned(state)) return next;
  // A new assignment starts a new walk; a daemon still connected (unassigned and reassigned before the
  // agent stopped it) keeps its phase and status.
  const running = state.status === 'connected';
  return { ...next, installingRecorded: false, waitingOverlayRecorded: false, lastError: null, phase: running ? state.phase : 'assigned', status: running ? 'connected' : 'pending' };
}

export function evolveDockerHost(current: DockerHostState, event: EventEnvelope): DockerHostState {
  const d = event.data as Data;
  const state = { ...current, updatedAt: event.occurred_at };
  switch (event.kind) {
    case 'system.docker.module.assigned':
      return assigned(state, d);
    case 'system.docker.module.unassigned':
      return d.via === 'template' ? { ...state, viaTemplate: null, operatorHold: false } : { ...state, viaInstance: null };
    case 'system.docker.runtime.installing':
      return { ...state, phase: 'installing', installingRecorded: true };
    case 'system.docker.runtime.waiting_overlay':
      return { ...state, phase: 'waiting_overlay', waitingOverlayRecorded: true };
    case 'system.docker.handshake.wants_cert':
      return { ...state, phase: 'wants_cert', overlay: str(d, 'overlay_address'), apiEndpoint: str(d, 'api_endpoint'), requestedKey: str(d, 'public_key_sha256') };
    case 'system.docker.handshake.cert_signed':
      return {
        ...state,
        lastError: null,
        certificate: { serial: str(d, 'serial'), notAfter: str(d, 'not_after'), issuedAt: event.occurred_at, publicKeySha256: str(d, 'public_key_sha256'), overlay: state.overlay ?? '' },
      };
    case 'system.docker.handshake.wants_config':
      return { ...state, phase: 'wants_config', configHash: str(d, 'config_hash'), lastError: null };
    case 'system.docker.handshake.ready':
      return { ...state, phase: 'ready', version: str(d, 'version'), lastError: null };
    case 'system.docker.handshake.failed': {
      const retrying = d.retrying === true;
      const error: HostError = { phase: d.phase as DockerPhase, reason: str(d, 'reason'), ...optionalStr(d, 'code'), retrying, at: event.occurred_at };
      return { ...state, lastError: error, status: retrying ? state.status : 'error' };
    }
    case 'system.docker.provisioned':
      return { ...state, status: 'connected', apiEndpoint: str(d, 'api_endpoint'), version: str(d, 'version'), provisionedAt: event.occurred_at, lastError: null };
    case 'system.docker.runtime.stopped':
      return { ...state, phase: 'stopped', status: 'disconnected', installingRecorded: false, waitingOverlayRecorded: false };
    case 'system.docker.runtime.decommissioned':
      return { ...state, decommissioned: true, operatorHold: d.by === 'operator', viaTemplate: null, viaInstance: null, status: 'disconnected' };
    case 'system.docker.host.connected':
      return { ...state, status: 'connected', version: str(d, 'version') };
    case 'system.docker.host.unreachable':
      return { ...state, status: d.status as DockerHostStatus };
    default:
      // Operations (images, containers) change nothing the host's own decisions depend on.
      return state;
  }
}
