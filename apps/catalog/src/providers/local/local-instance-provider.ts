import type { ChildProcess } from 'node:child_process';
import { PlatformError } from '@powernode/contracts';
import { KeyedLock, type Logger } from '@powernode/service-kit';
import {
  addressesFor,
  assertInstanceId,
  assertPrefix,
  createAddressPlan,
  createUnderlay,
  deleteUnderlay,
  gatewayAddresses,
  gatewayNameOf,
  indexOfAddress,
  listLinks,
  lowestFreeIndex,
  namesFor,
  namespaceExists,
  namespacePids,
  underlayIntact,
  type AddressPlan,
  type GatewayAddresses,
} from '@powernode/netns';
import type { InstanceProvider, InstanceSpec, ProvisionedInstance } from '../instance-provider.js';
import { isAgentProcess, startAgent, stopProcesses } from './agent-process.js';
import { removeDockerLeftovers } from './docker-leftovers.js';
import { deleteGateway, ensureGateway } from './gateway.js';
import { agentStateDirOf, dockerRootOf, readAllRecords, readPid, readRecord, removeStateDir, stateDirOf, writePid, writeRecord, type InstanceRecord } from './instance-state.js';
import { sweepLeftovers } from './sweep.js';
import { removeStaleWireguardSockets } from './wireguard-sockets.js';

export interface LocalInstanceProviderOptions {
  /** Prefix of namespaces (`<prefix>-<short>`) and veths (`<prefix>h…`/`<prefix>i…`); 2-8 chars. */
  namePrefix?: string;
  /** Directory holding one state dir per instance, e.g. `<POWERNODE_STATE_DIR>/instances`. */
  stateRoot: string;
  underlayIpv6Prefix?: string;
  underlayIpv4Prefix?: string;
  /** How long an agent gets between SIGTERM and SIGKILL. */
  stopGraceMs?: number;
  logger: Logger;
}

const ALLOCATION = '\0allocation';

/** Fills `{host_ipv6}` / `{host_ipv4}` in the agent's arguments and environment. */
export function withUnderlay(agent: InstanceSpec['agent'], addresses: { hostIpv6: string; hostIpv4: string }): InstanceSpec['agent'] {
  const fill = (value: string) => value.replaceAll('{host_ipv6}', addresses.hostIpv6).replaceAll('{host_ipv4}', addresses.hostIpv4);
  return { command: agent.command, args: agent.args.map(fill), env: Object.fromEntries(Object.entries(agent.env).map(([k, v]) => [k, fill(v)])) };
}

/** Fails with a clear error when not root: namespaces and veths need CAP_NET_ADMIN and CAP_SYS_ADMIN. */
export function assertRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new PlatformError('IllegalState', 'the local provider needs root (network namespaces, veth pairs and nsenter); run as root or choose another provider', {
      uid: process.getuid?.(),
    });
  }
}

/**
 * The embedded provider: each NodeInstance is a network namespace with a veth underlay to the
 * host (a /64 and a /30 per instance) and its own agent process started with `nsenter --net=`.
 * The host forwards between the veths (per interface, never globally), so instances reach each
 * other, and holds the gateway addresses on `<prefix>gw`.
 */
export class LocalInstanceProvider implements InstanceProvider {
  readonly name = 'local';
  readonly namePrefix: string;
  private readonly plan: AddressPlan;
  private readonly stateRoot: string;
  private readonly graceMs: number;
  private readonly logger: Logger;
  private readonly lock = new KeyedLock();
  /** Agents this process started, so they are reaped and stoppable without trusting pidfiles. */
  private readonly children = new Map<string, ChildProcess>();
  private readonly gatewayName: string;

  constructor(options: LocalInstanceProviderOptions) {
    assertRoot();
    this.namePrefix = options.namePrefix ?? 'pn';
    assertPrefix(this.namePrefix);
    this.plan = createAddressPlan(options.underlayIpv6Prefix ?? 'fd5e:7e57::/48', options.underlayIpv4Prefix ?? '198.18.0.0/15');
    this.stateRoot = options.stateRoot;
    this.graceMs = options.stopGraceMs ?? 5_000;
    this.logger = options.logger;
    this.gatewayName = gatewayNameOf(this.namePrefix);
  }

  /** Host addresses every instance reaches via its default route (e.g. the platform hub's WireGuard endpoint). */
  get gateway(): GatewayAddresses {
    return gatewayAddresses(this.plan);
  }

  async provision(spec: InstanceSpec): Promise<ProvisionedInstance> {
    assertInstanceId(spec.instanceId);
    if (spec.agent.command === '') throw new PlatformError('InvalidInput', 'agent command is empty');
    return this.lock.run(spec.instanceId, async () => {
      const stateDir = stateDirOf(this.stateRoot, spec.instanceId);
      const record = (await this.ownRecord(spec.instanceId)) ?? (await this.allocate(spec));
      await ensureGateway(this.gatewayName, this.gateway);
      if (!(await underlayIntact(record.names))) {
        await this.stopAll(record, stateDir);
        await deleteUnderlay(record.names);
        const { ipv6Forwarding } = await createUnderlay(record.names, record.addresses);
        this.logger.info({ instanceId: spec.instanceId, namespace: record.names.namespace, ...record.addresses }, 'instance underlay created');
        if (!ipv6Forwarding) {
          this.logger.warn({ instanceId: spec.instanceId, hostInterface: record.names.hostInterface }, 'instance-to-instance IPv6 needs Linux ≥ 6.17 (per-interface force_forwarding); IPv4 works');
        }
      }
      const pid = await readPid(stateDir);
      if (pid !== undefined && (await isAgentProcess(pid, record.agent))) return this.view(record, pid);
      // The agent is dead (or never ran): start it with the latest spec.
      const started = { ...record, agent: withUnderlay(spec.agent, record.addresses) };
      await writeRecord(stateDir, started);
      return this.view(started, await this.start(started, stateDir));
    });
  }

  async restartAgent(instanceId: string): Promise<number> {
    assertInstanceId(instanceId);
    return this.lock.run(instanceId, async () => {
      const record = await this.ownRecord(instanceId);
      if (record === undefined) throw new PlatformError('NotFound', `instance ${instanceId} is not provisioned here`, { instanceId });
      if (!(await underlayIntact(record.names))) {
        throw new PlatformError('IllegalState', `instance ${instanceId} has lost its namespace; provision it again`, { instanceId });
      }
      const stateDir = stateDirOf(this.stateRoot, instanceId);
      await this.stopAgent(record, stateDir);
      return this.start(record, stateDir);
    });
  }

  async decommission(instanceId: string): Promise<void> {
    assertInstanceId(instanceId);
    await this.lock.run(instanceId, async () => {
      const stateDir = stateDirOf(this.stateRoot, instanceId);
      const record = await this.ownRecord(instanceId);
      if (record === undefined) return;
      await this.stopAll(record, stateDir);
      await deleteUnderlay(record.names);
      const sockets = await this.removeWireguardSockets(instanceId, stateDir);
      await removeStateDir(stateDir);
      this.children.delete(instanceId);
      this.logger.info({ instanceId, namespace: record.names.namespace, sockets }, 'instance decommissioned');
    });
  }

  async list(): Promise<ProvisionedInstance[]> {
    const records = (await readAllRecords(this.stateRoot)).filter((r) => r.namePrefix === this.namePrefix);
    return Promise.all(records.map(async (r) => this.view(r, (await readPid(stateDirOf(this.stateRoot, r.instanceId))) ?? 0)));
  }

  /**
   * Stops every agent and removes every namespace and veth with this prefix. State dirs stay (like
   * a powered-off machine's disk), so provisioning the same id again restores its addresses and
   * the agent's identity; decommission is what erases them.
   */
  async shutdown(): Promise<void> {
    const records = (await readAllRecords(this.stateRoot)).filter((r) => r.namePrefix === this.namePrefix);
    await Promise.all(
      records.map((record) =>
        this.lock.run(record.instanceId, async () => {
          await this.stopAll(record, stateDirOf(this.stateRoot, record.instanceId));
          await deleteUnderlay(record.names);
        }),
      ),
    );
    this.children.clear();
    await deleteGateway(this.gatewayName);
    await sweepLeftovers(this.namePrefix, { graceMs: this.graceMs, logger: this.logger });
    this.logger.info({ instances: records.length }, 'local provider shut down');
  }

  /**
   * The gateway link with the addresses every instance reaches (run at boot): platform endpoints bound to them
   * (the hub, the platform image registry) are reachable before the first instance exists.
   */
  async ensureGateway(): Promise<void> {
    await ensureGateway(this.gatewayName, this.gateway);
  }

  /** Removes this prefix's namespaces and veths that belong to no known instance (run at boot). */
  async sweepLeftovers(): Promise<string[]> {
    const records = (await readAllRecords(this.stateRoot)).filter((r) => r.namePrefix === this.namePrefix);
    return sweepLeftovers(this.namePrefix, { keepNamespaces: new Set(records.map((r) => r.names.namespace)), graceMs: this.graceMs, logger: this.logger });
  }

  private async ownRecord(instanceId: string): Promise<InstanceRecord | undefined> {
    const record = await readRecord(stateDirOf(this.stateRoot, instanceId));
    if (record !== undefined && record.namePrefix !== this.namePrefix) {
      throw new PlatformError('Conflict', `instance ${instanceId} belongs to the provider with prefix ${record.namePrefix}`, { instanceId });
    }
    return record;
  }

  /** Picks the lowest index free in every state record and on every host interface, then records it. */
  private async allocate(spec: InstanceSpec): Promise<InstanceRecord> {
    return this.lock.run(ALLOCATION, async () => {
      const names = namesFor(this.namePrefix, spec.instanceId);
      const records = await readAllRecords(this.stateRoot);
      const clash = records.find((r) => r.names.namespace === names.namespace && r.instanceId !== spec.instanceId);
      if (clash !== undefined) {
        throw new PlatformError('Conflict', `instance ${spec.instanceId} would reuse namespace ${names.namespace} of ${clash.instanceId}`, { instanceId: spec.instanceId });
      }
      if (await namespaceExists(names.namespace)) {
        // A leftover from a crashed run with no record: nobody owns it, so it goes.
        await stopProcesses(await namespacePids(names.namespace), this.graceMs, () => namespacePids(names.namespace));
        await deleteUnderlay(names);
      }
      const used = new Set(records.map((r) => r.index));
      for (const link of await listLinks()) {
        for (const address of link.addresses) {
          const index = indexOfAddress(this.plan, address);
          if (index !== undefined && link.name !== names.hostInterface) used.add(index);
        }
      }
      const index = lowestFreeIndex(this.plan, used);
      const record: InstanceRecord = { instanceId: spec.instanceId, namePrefix: this.namePrefix, names, index, addresses: addressesFor(this.plan, index), agent: spec.agent };
      await writeRecord(stateDirOf(this.stateRoot, spec.instanceId), record);
      return record;
    });
  }

  private async start(record: InstanceRecord, stateDir: string): Promise<number> {
    const child = startAgent(record.names.namespace, stateDir, record.instanceId, record.agent);
    const pid = child.pid as number;
    this.children.set(record.instanceId, child);
    await writePid(stateDir, pid);
    this.logger.info({ instanceId: record.instanceId, pid }, 'instance agent started');
    return pid;
  }

  /** The recorded agent, if that pid still runs it (a recycled pid is left alone). */
  private async agentPid(record: InstanceRecord, stateDir: string): Promise<number[]> {
    const pid = await readPid(stateDir);
    return pid !== undefined && (await isAgentProcess(pid, record.agent)) ? [pid] : [];
  }

  private async stopAgent(record: InstanceRecord, stateDir: string): Promise<void> {
    await stopProcesses(await this.agentPid(record, stateDir), this.graceMs);
  }

  /**
   * Best effort: a leftover socket is harmless clutter, so it never blocks erasing the instance
   * (after which its list of interfaces is gone, hence before removeStateDir).
   */
  private async removeWireguardSockets(instanceId: string, stateDir: string): Promise<string[]> {
    try {
      return await removeStaleWireguardSockets(agentStateDirOf(stateDir));
    } catch (error) {
      this.logger.warn({ err: error, instanceId }, 'could not remove the WireGuard sockets of a decommissioned instance');
      return [];
    }
  }

  /**
   * The agent first, then anything else still inside the namespace (e.g. daemons it started), then what its
   * dockerd leaves outside the namespace: containers (in network namespaces of their own) and their mounts.
   */
  private async stopAll(record: InstanceRecord, stateDir: string): Promise<void> {
    const ns = record.names.namespace;
    const pids = [...(await this.agentPid(record, stateDir)), ...(await namespacePids(ns))];
    await stopProcesses(pids, this.graceMs, () => namespacePids(ns));
    const { killed, cgroups, cgroupsLeft, unmounted } = await removeDockerLeftovers(dockerRootOf(stateDir));
    if (killed.length + cgroups.length + unmounted.length > 0) {
      this.logger.info({ instanceId: record.instanceId, killed, cgroups: cgroups.length, unmounted }, 'reaped the containers and mounts the instance dockerd left');
    }
    if (cgroupsLeft.length > 0) this.logger.warn({ instanceId: record.instanceId, cgroupsLeft }, 'could not remove the cgroups of the instance containers');
  }

  private view(record: InstanceRecord, agentPid: number): ProvisionedInstance {
    return {
      instanceId: record.instanceId,
      provider: 'local',
      namespace: record.names.namespace,
      underlay: { ...record.addresses, hostInterface: record.names.hostInterface },
      agentPid,
      stateDir: stateDirOf(this.stateRoot, record.instanceId),
    };
  }
}
