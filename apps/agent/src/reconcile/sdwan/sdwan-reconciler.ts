import type { agentProtocol } from '@powernode/contracts';
import { ensureInterface, interfaceStatus, removeInterface } from '@powernode/wireguard';
import type { Reconciler } from '../reconciler.js';
import { readDesiredSdwan, type DesiredSdwanInterface } from './sdwan-desired.js';
import { interfaceFacts, planSdwan, type SdwanInterfaceFacts } from './sdwan-plan.js';
import { SdwanState } from './sdwan-state.js';

/** The WireGuard operations the reconciler needs (the library's; replaced in unit tests). */
export interface WireguardOps {
  ensureInterface: typeof ensureInterface;
  removeInterface: typeof removeInterface;
  interfaceStatus: typeof interfaceStatus;
}

const LIBRARY: WireguardOps = { ensureInterface, removeInterface, interfaceStatus };

/**
 * Converges the node's WireGuard interfaces on `desired.sdwan`, in the agent's own network namespace, and
 * reports the node's public key and each peer's endpoint and latest handshake so the platform can track them.
 */
export class SdwanReconciler implements Reconciler {
  readonly name = 'sdwan';
  private readonly state: SdwanState;

  constructor(
    stateDir: string,
    private readonly wireguard: WireguardOps = LIBRARY,
  ) {
    this.state = new SdwanState(stateDir);
  }

  async reconcile(desired: agentProtocol.DesiredState): Promise<Record<string, unknown>> {
    const { privateKey, publicKey } = await this.state.keyPair();
    let wanted: DesiredSdwanInterface[];
    try {
      wanted = readDesiredSdwan(desired).interfaces;
    } catch (error) {
      // Still report the key: the platform needs it to build anyone's peer list.
      return { phase: 'error', public_key: publicKey, interfaces: [], error: `malformed desired.sdwan: ${(error as Error).message}` };
    }
    const plan = planSdwan(wanted, await this.state.trackedInterfaces(), privateKey);
    await this.state.track([...new Set([...plan.track, ...plan.remove])]);

    const errors: string[] = [];
    for (const name of plan.remove) {
      try {
        await this.wireguard.removeInterface(name);
      } catch (error) {
        errors.push(`${name}: ${(error as Error).message}`);
      }
    }
    const interfaces: SdwanInterfaceFacts[] = [];
    for (const [index, config] of plan.ensure.entries()) {
      try {
        await this.wireguard.ensureInterface(config);
        interfaces.push(interfaceFacts(wanted[index]!, await this.wireguard.interfaceStatus(config.name)));
      } catch (error) {
        errors.push(`${config.name}: ${(error as Error).message}`);
      }
    }
    const failedRemovals = plan.remove.filter((name) => errors.some((e) => e.startsWith(`${name}: `)));
    await this.state.track([...plan.track, ...failedRemovals]);
    return {
      phase: errors.length === 0 ? 'ready' : 'degraded',
      public_key: publicKey,
      interfaces,
      ...(errors.length === 0 ? {} : { errors }),
    };
  }
}
