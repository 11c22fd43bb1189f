import type { InstanceProvider } from '@powernode/contracts';

/** What the handshake service reports about an instance's agent. */
export type AgentRecord =
  | { event: 'enrolled'; certificateSerial: string; agentVersion?: string }
  | { event: 'online'; lastHeartbeatAt: string }
  | { event: 'offline'; lastHeartbeatAt: string | null };

export type InstanceCommand =
  | { type: 'ProvisionInstance'; data: { instanceId: string; templateId: string; name: string; provider: InstanceProvider } }
  | { type: 'DecommissionInstance'; data: { reason?: string } }
  | { type: 'RecordAgent'; data: AgentRecord };
