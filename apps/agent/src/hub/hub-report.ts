import type { SdwanInterfaceFacts } from '../reconcile/sdwan/sdwan-plan.js';

export interface HubReport {
  public_key: string;
  endpoint?: string;
  latest_handshakes?: Record<string, number>;
}

/** Handshake times are reported at this grain: finer changes are not worth a round trip. */
const HANDSHAKE_GRAIN_S = 60;

/** The hub's report from its SDWAN facts: its key, its endpoint, and the latest handshake per peer key. */
export function hubReport(facts: Record<string, unknown>, endpoint: string | undefined): HubReport | undefined {
  const publicKey = facts.public_key;
  if (typeof publicKey !== 'string') return undefined;
  const handshakes: Record<string, number> = {};
  for (const iface of (facts.interfaces ?? []) as SdwanInterfaceFacts[]) {
    for (const peer of iface.peers) {
      if (peer.latest_handshake !== null && peer.latest_handshake > 0) handshakes[peer.public_key] = Math.max(handshakes[peer.public_key] ?? 0, peer.latest_handshake);
    }
  }
  return {
    public_key: publicKey,
    ...(endpoint === undefined ? {} : { endpoint }),
    ...(Object.keys(handshakes).length ? { latest_handshakes: handshakes } : {}),
  };
}

/** Equal for reports that differ only below the handshake grain. */
export function reportSignature(report: HubReport): string {
  const handshakes = Object.entries(report.latest_handshakes ?? {})
    .map(([key, at]) => [key, Math.floor(at / HANDSHAKE_GRAIN_S)] as const)
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([report.public_key, report.endpoint ?? null, handshakes]);
}
