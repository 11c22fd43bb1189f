import type { DockerPhase } from '@powernode/contracts';

/** What operators did on a host through the platform: recorded as is (the audit trail), never deduplicated. */
export type DockerOperationKind =
  | 'system.docker.image.pull_progress'
  | 'system.docker.image.pulled'
  | 'system.docker.image.deleted'
  | 'system.docker.container.created'
  | 'system.docker.container.started'
  | 'system.docker.container.stopped'
  | 'system.docker.container.restarted'
  | 'system.docker.container.deleted';

/** How docker came to an instance: through its template (the assignment policy) or straight to it (an operator). */
export type AssignmentPath = 'template' | 'instance';

export interface AssignedDockerModule {
  moduleId: string;
  moduleName: string;
  moduleVersion: string;
  /** Set for the template path. */
  templateId?: string;
}

/**
 * DockerHost commands. Assignment commands come from the policy and operators; the rest are the agent's
 * handshake phases (after the platform did its part: verified the CSR, signed, rendered, probed). Time comes
 * in with the command where a decision needs it; nothing here reads a clock.
 */
export type DockerHostCommand =
  | { type: 'AssignModule'; data: { via: AssignmentPath; module: AssignedDockerModule } }
  | { type: 'UnassignModule'; data: { via: AssignmentPath; reason?: string } }
  | { type: 'DecommissionRuntime'; data: { by?: 'instance' | 'operator' } }
  | { type: 'ReportInstalling'; data: { progress?: string } }
  | { type: 'ReportWaitingOverlay'; data: Record<string, never> }
  | { type: 'WantCert'; data: { overlay: string; apiEndpoint: string; publicKeySha256: string } }
  /** `replaces`: the serial the host held when the signer decided to sign (null: none), compared and set on record. */
  | { type: 'RecordCertSigned'; data: { serial: string; notAfter: string; publicKeySha256: string; replaces: string | null } }
  | { type: 'RecordConfig'; data: { configHash: string; refusedKeys: string[] } }
  | { type: 'RecordReady'; data: { version: string } }
  | { type: 'ReportStopped'; data: { reason?: string } }
  /** `phase` defaults to the phase the host is in; `retrying`: the host stays there and the agent tries again. */
  | { type: 'ReportFailed'; data: { reason: string; code?: string; retrying: boolean; phase?: DockerPhase } }
  /** Health probes (docker-proxy): only a change of status is news. */
  | { type: 'RecordReachable'; data: { version: string } }
  | { type: 'RecordUnreachable'; data: { failures: number; reason: string; errorAfter: number } }
  /** An operator's operation on the daemon, after the daemon did it (`data` without host_id). */
  | { type: 'RecordOperation'; data: { kind: DockerOperationKind; data: Record<string, unknown> } };
