import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { wireguardPublicKey, type InterfaceStatus, type WireguardInterfaceConfig } from '@powernode/wireguard';
import { pingDaemon } from '../../apps/agent/src/reconcile/docker/daemon-client.js';
import type { DockerHostOps } from '../../apps/agent/src/reconcile/docker/docker-host-ops.js';
import type { WireguardOps } from '../../apps/agent/src/reconcile/sdwan/sdwan-reconciler.js';
import { SIM_DOCKER_VERSION } from './sim-daemon.js';

/** Where a simulated machine's overlay addresses really are: the fleet's own link in this namespace. */
export interface OverlayAddresses {
  has(address: string): boolean;
}

/**
 * The machine under a simulated agent. WireGuard: the configuration the agent converges is kept (no kernel
 * interface; the overlay addresses the platform allocated sit on the fleet's link instead, so the platform
 * really reaches each host). Docker: "installed", with the daemon the SimDaemon runner plays; the agent's own
 * TLS ping of its daemon is the real one.
 */
export function simWireguard(): WireguardOps {
  const interfaces = new Map<string, WireguardInterfaceConfig>();
  return {
    ensureInterface: async (config) => {
      const changed = JSON.stringify(interfaces.get(config.name)) !== JSON.stringify(config);
      interfaces.set(config.name, config);
      return { backend: 'userspace', changes: changed ? ['config'] : [] };
    },
    removeInterface: async (name) => void interfaces.delete(name),
    interfaceStatus: async (name): Promise<InterfaceStatus> => {
      const config = interfaces.get(name);
      if (config === undefined) throw new Error(`no interface ${name}`);
      return {
        privateKey: null,
        publicKey: wireguardPublicKey(config.privateKey),
        listenPort: config.listenPort,
        backend: 'userspace',
        peers: config.peers.map((peer) => ({
          publicKey: peer.publicKey,
          endpoint: peer.endpoint ?? null,
          allowedIps: peer.allowedIps,
          latestHandshake: null,
          transferRx: 0,
          transferTx: 0,
          persistentKeepalive: peer.persistentKeepalive ?? null,
        })),
      };
    },
  };
}

export function simDockerOps(link: OverlayAddresses): DockerHostOps {
  return {
    findDockerd: async () => '/usr/sbin/dockerd',
    dockerdVersion: async () => SIM_DOCKER_VERSION,
    install: async () => undefined,
    overlayPresent: async (address) => link.has(address),
    writeDaemonJson: async (path, content) => {
      await mkdir(dirname(path), { recursive: true, mode: 0o755 });
      await writeFile(path, content, { mode: 0o644 });
    },
    ping: pingDaemon,
    stopContainers: async () => 0,
    unmountUnder: async () => undefined,
  };
}
