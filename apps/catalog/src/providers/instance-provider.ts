/** What a provider needs to bring up one NodeInstance and its agent. */
export interface InstanceSpec {
  /** Platform instance id, e.g. `inst-3f9a1c`. */
  instanceId: string;
  /**
   * The agent process. In `args` and `env` values, `{host_ipv6}` and `{host_ipv4}` stand for the
   * host side of the instance's underlay (where the platform is reachable), known only once the
   * provider has built it.
   */
  agent: { command: string; args: string[]; env: Record<string, string> };
}

/** Underlay addresses of one instance: the host side of its link and the instance side. */
export interface InstanceUnderlay {
  hostIpv6: string;
  instanceIpv6: string;
  hostIpv4: string;
  instanceIpv4: string;
  /** Host-side interface name (root namespace). */
  hostInterface: string;
}

export interface ProvisionedInstance {
  instanceId: string;
  provider: 'local';
  namespace: string;
  underlay: InstanceUnderlay;
  agentPid: number;
  stateDir: string;
}

/** A place NodeInstances run: the embedded `local` provider today, a cloud or hypervisor later. */
export interface InstanceProvider {
  readonly name: string;
  /** Idempotent per instanceId: returns the existing instance if alive, restarts its agent if it died. */
  provision(spec: InstanceSpec): Promise<ProvisionedInstance>;
  /** Stops the agent (SIGTERM, then SIGKILL after a grace), deletes the instance's resources and state; idempotent. */
  decommission(instanceId: string): Promise<void>;
  list(): Promise<ProvisionedInstance[]>;
  /** Restarts an instance's agent process (same namespace/identity state). */
  restartAgent(instanceId: string): Promise<number>;
  /** Stops every agent and removes every namespace this provider made (npm start shutdown). */
  shutdown(): Promise<void>;
}
