import os from 'node:os';
import type { agentProtocol } from '@powernode/contracts';
import { AGENT_VERSION } from './version.js';

export type RuntimeFacts = Record<string, Record<string, unknown>>;

/** What the agent tells the platform about its machine on enrolment and every heartbeat. */
export function collectFacts(runtimes: RuntimeFacts = {}): agentProtocol.AgentFacts {
  return {
    agent_version: AGENT_VERSION,
    os: `${os.type()} ${os.release()}`.slice(0, 128),
    arch: os.arch().slice(0, 32),
    hostname: os.hostname().slice(0, 253),
    underlay_endpoints: currentUnderlayEndpoints(),
    runtimes,
  };
}

/** Listing the interfaces costs a netlink dump of every address; heartbeats may come faster than addresses change. */
const ENDPOINTS_TTL_MS = 10_000;
let endpoints: { at: number; value: string[] } | undefined;

function currentUnderlayEndpoints(): string[] {
  const now = Date.now();
  if (endpoints === undefined || now - endpoints.at > ENDPOINTS_TTL_MS) endpoints = { at: now, value: underlayEndpoints(os.networkInterfaces()).slice(0, 32) };
  return endpoints.value;
}

/**
 * Addresses the platform could reach this machine on: not loopback, and not IPv6 link-local (fe80::/10 is
 * meaningless without the interface's zone, which a remote peer does not have).
 */
export function underlayEndpoints(interfaces: NodeJS.Dict<os.NetworkInterfaceInfo[]>): string[] {
  const addresses = new Set<string>();
  for (const entries of Object.values(interfaces)) {
    for (const entry of entries ?? []) {
      if (entry.internal) continue;
      if (entry.family === 'IPv6' && /^fe[89ab]/i.test(entry.address)) continue;
      addresses.add(entry.address);
    }
  }
  return [...addresses];
}
