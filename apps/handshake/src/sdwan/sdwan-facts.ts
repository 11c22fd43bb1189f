import { z } from 'zod';
import { sdwanActions, sdwanEvents } from '@powernode/contracts';
import { canonicalJson } from '@powernode/contracts';

const peerFacts = z.object({
  public_key: z.string().max(256),
  endpoint: z.string().max(300).nullable().optional(),
  /** Epoch seconds; WireGuard says 0 (or the agent null) before the first handshake. */
  latest_handshake: z.number().int().nonnegative().nullable().optional(),
});

const interfaceFacts = z.object({
  name: z.string().max(64),
  network_id: sdwanEvents.networkId,
  listen_port: z.number().int().min(1).max(65535),
  peers: z.array(peerFacts).max(4096),
});

/** What the agent's SDWAN reconciler reports under `facts.runtimes.sdwan`: untrusted, so checked here (only what the relay reads). */
export const sdwanFacts = z.object({
  public_key: z.string().min(1).max(256),
  interfaces: z.array(interfaceFacts).max(64).default([]),
});
export type SdwanFacts = z.output<typeof sdwanFacts>;

export type NodeWireguardReport = z.input<typeof sdwanActions.sdwanReportNodeWireguard.input>;

/** A WireGuard endpoint `host:port`: an IPv4-mapped IPv6 address as plain IPv4, other IPv6 in brackets. */
export function endpointOf(address: string, port: number): string {
  const host = address.replace(/^::ffff:(?=\d{1,3}(\.\d{1,3}){3}$)/i, '');
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/**
 * The `sdwan_report_node_wireguard` inputs for one agent report: one per interface, its endpoint being the
 * address the platform saw the heartbeat come from (never one the agent claims) and the interface's listen
 * port; or the key alone while the agent has no interface yet, so that its peers can list it before it does.
 */
export function nodeReports(instanceId: string, facts: SdwanFacts, observedAddress: string | undefined): NodeWireguardReport[] {
  if (!facts.interfaces.length) return [{ instance_id: instanceId, public_key: facts.public_key }];
  return facts.interfaces.map((i) => {
    const handshakes = Object.fromEntries(i.peers.flatMap((p) => (p.latest_handshake ? [[p.public_key, p.latest_handshake] as const] : [])));
    return {
      instance_id: instanceId,
      network_id: i.network_id,
      public_key: facts.public_key,
      ...(observedAddress ? { endpoint: endpointOf(observedAddress, i.listen_port) } : {}),
      ...(Object.keys(handshakes).length ? { latest_handshakes: handshakes } : {}),
    };
  });
}

/** What makes a report worth relaying again: key, endpoints, and handshake times to the minute (the sdwan service records no finer). */
export function reportSignature(reports: readonly NodeWireguardReport[]): string {
  const coarse = reports.map((r) => ({
    ...r,
    latest_handshakes: r.latest_handshakes && Object.fromEntries(Object.entries(r.latest_handshakes).map(([key, s]) => [key, s - (s % 60)])),
  }));
  return canonicalJson(coarse);
}
