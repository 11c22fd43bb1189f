import type { InstanceProvider } from '@powernode/contracts';

export type InstanceCommand =
  | { type: 'ProvisionInstance'; data: { instanceId: string; templateId: string; name: string; provider: InstanceProvider } }
  | { type: 'DecommissionInstance'; data: { reason?: string } };
