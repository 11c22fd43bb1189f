import { PlatformError, dockerHostIdOf, type DockerPhase } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import type { AssignmentPath, DockerHostCommand } from './docker-host.commands.js';
import { isAssigned, isProbed, type DockerHostState, type HostPhase } from './docker-host.evolve.js';

/** Phases after which a repeated wants_cert with the same key and overlay is a crash-repeat, not news. */
const PAST_WANTS_CERT: readonly HostPhase[] = ['wants_cert', 'wants_config', 'ready'];

function optional<T>(key: string, value: T | undefined): Record<string, T> {
  return value === undefined ? {} : { [key]: value };
}

/** A failure is reported against a real phase: before the agent reported one, it was installing. */
function failedPhaseOf(phase: HostPhase): DockerPhase {
  return phase === 'assigned' ? 'installing' : phase;
}

/**
 * DockerHost decisions. Every decision is idempotent: an agent repeats a phase after a crash, the policy
 * reacts again to a redelivered event, and neither records anything the host already holds. Only a change
 * (a new key, a new config hash, a reconnect, a new assignment) is news.
 */
export function decideDockerHost(instanceId: string) {
  const hostId = dockerHostIdOf(instanceId);
  const ids = { host_id: hostId, instance_id: instanceId };

  const requireExists = (state: DockerHostState) => {
    if (!state.exists) throw new PlatformError('PermissionDenied', `docker is not assigned to instance ${instanceId}`, { instance_id: instanceId, host_id: hostId });
  };
  const requireAssigned = (state: DockerHostState) => {
    if (state.decommissioned) throw new PlatformError('InstanceDecommissioned', `the docker runtime of instance ${instanceId} is decommissioned`, ids);
    if (!isAssigned(state)) throw new PlatformError('PermissionDenied', `docker is not assigned to instance ${instanceId}`, ids);
  };
  const requireCertificate = (state: DockerHostState) => {
    if (!state.certificate) throw new PlatformError('IllegalState', `host ${hostId} has no daemon certificate yet: wants_cert first`, { ...ids, phase: state.phase });
  };
  const current = (state: DockerHostState, via: AssignmentPath) => (via === 'template' ? state.viaTemplate : state.viaInstance);

  return (command: DockerHostCommand, state: DockerHostState): NewEvent[] => {
    switch (command.type) {
      case 'AssignModule': {
        const { via, module } = command.data;
        if (current(state, via)?.moduleId === module.moduleId && !state.decommissioned) return [];
        // An operator ended this runtime: the template keeps it ended until the template drops docker (or an operator provisions it).
        if (via === 'template' && state.operatorHold) return [];
        return [
          {
            kind: 'system.docker.module.assigned',
            data: { ...ids, module_id: module.moduleId, module_name: module.moduleName, module_version: module.moduleVersion, via, ...optional('template_id', module.templateId) },
          },
        ];
      }
      case 'UnassignModule': {
        const { via, reason } = command.data;
        const module = current(state, via);
        // The template dropping docker also releases an operator's hold, so a later assignment brings it back.
        if (!module && !(via === 'template' && state.operatorHold)) return [];
        return [{ kind: 'system.docker.module.unassigned', data: { ...ids, ...optional('module_id', module?.moduleId), via, ...optional('reason', reason) } }];
      }
      case 'DecommissionRuntime':
        if (!state.exists || state.decommissioned) return [];
        return [{ kind: 'system.docker.runtime.decommissioned', data: { ...ids, ...optional('by', command.data.by) } }];
      case 'ReportInstalling':
        requireAssigned(state);
        if (state.installingRecorded) return [];
        return [{ kind: 'system.docker.runtime.installing', data: { ...ids, ...optional('progress', command.data.progress) } }];
      case 'ReportWaitingOverlay':
        requireAssigned(state);
        if (state.waitingOverlayRecorded) return [];
        return [{ kind: 'system.docker.runtime.waiting_overlay', data: ids }];
      case 'WantCert': {
        requireAssigned(state);
        const { overlay, apiEndpoint, publicKeySha256 } = command.data;
        if (state.requestedKey === publicKeySha256 && state.overlay === overlay && PAST_WANTS_CERT.includes(state.phase)) return [];
        return [{ kind: 'system.docker.handshake.wants_cert', data: { ...ids, overlay_address: overlay, api_endpoint: apiEndpoint, public_key_sha256: publicKeySha256 } }];
      }
      case 'RecordCertSigned': {
        requireAssigned(state);
        const { serial, notAfter, publicKeySha256, replaces } = command.data;
        if (state.requestedKey !== publicKeySha256) {
          throw new PlatformError('IllegalState', `host ${hostId} did not ask for a certificate for this key`, { ...ids, public_key_sha256: publicKeySha256 });
        }
        if (state.certificate?.serial === serial) return [];
        // Another signer (a second handshake replica answering a repeat of the same request) recorded a certificate
        // for this key since this one decided to sign: that one answers the request, this one is not recorded.
        if (state.certificate !== null && state.certificate.serial !== replaces && state.certificate.publicKeySha256 === publicKeySha256) return [];
        return [{ kind: 'system.docker.handshake.cert_signed', data: { host_id: hostId, serial, not_after: notAfter, public_key_sha256: publicKeySha256 } }];
      }
      case 'RecordConfig': {
        requireAssigned(state);
        requireCertificate(state);
        const { configHash, refusedKeys } = command.data;
        if (state.configHash === configHash) return [];
        return [{ kind: 'system.docker.handshake.wants_config', data: { host_id: hostId, config_hash: configHash, ...(refusedKeys.length ? { refused_keys: refusedKeys } : {}) } }];
      }
      case 'RecordReady': {
        requireAssigned(state);
        requireCertificate(state);
        if (!state.configHash) throw new PlatformError('IllegalState', `host ${hostId} has fetched no daemon configuration yet: wants_config first`, { ...ids, phase: state.phase });
        const { version } = command.data;
        const events: NewEvent[] = [];
        if (state.phase !== 'ready' || state.version !== version) events.push({ kind: 'system.docker.handshake.ready', data: { host_id: hostId, version } });
        if (state.status !== 'connected' || state.version !== version) {
          events.push({ kind: 'system.docker.provisioned', data: { ...ids, api_endpoint: state.apiEndpoint, version } });
        }
        return events;
      }
      case 'ReportStopped':
        requireExists(state);
        if (state.phase === 'stopped' && state.status === 'disconnected') return [];
        return [{ kind: 'system.docker.runtime.stopped', data: { ...ids, ...optional('reason', command.data.reason) } }];
      case 'ReportFailed': {
        requireExists(state);
        const { reason, code, retrying } = command.data;
        const phase = command.data.phase ?? failedPhaseOf(state.phase);
        const last = state.lastError;
        // One event per outage (the agent retries with backoff), and one per distinct agent failure.
        const same = last !== null && last.phase === phase && last.code === code && last.retrying === retrying && (retrying || last.reason === reason);
        if (same) return [];
        return [{ kind: 'system.docker.handshake.failed', data: { host_id: hostId, phase, reason, ...optional('code', code), retrying } }];
      }
      case 'RecordReachable': {
        if (!isProbed(state)) return [];
        const { version } = command.data;
        if (state.status === 'connected' && state.version === version) return [];
        return [{ kind: 'system.docker.host.connected', data: { ...ids, version, previous_status: state.status } }];
      }
      case 'RecordUnreachable': {
        if (!isProbed(state)) return [];
        const { failures, reason, errorAfter } = command.data;
        const status = failures >= errorAfter ? 'error' : 'disconnected';
        if (state.status === status) return [];
        return [{ kind: 'system.docker.host.unreachable', data: { ...ids, status, failures, reason: reason.slice(0, 2048) } }];
      }
      case 'RecordOperation':
        requireAssigned(state);
        return [{ kind: command.data.kind, data: { host_id: hostId, ...command.data.data } }];
      default: {
        const unreachable: never = command;
        throw new Error(`unknown command ${JSON.stringify(unreachable)}`);
      }
    }
  };
}
