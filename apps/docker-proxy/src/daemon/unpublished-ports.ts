import { normalizeIp } from '@powernode/pki';
import type { InspectedContainer } from './container-view.js';

/** One spelling per address (dockerd prints `fd00:a::1` for `fd00:0a::1`); anything that is no IP stays as it is. */
export function canonicalIp(text: string): string {
  try {
    return normalizeIp(text);
  } catch {
    return text;
  }
}

/**
 * The port bindings a running container asked for (HostConfig.PortBindings) that dockerd did not set up
 * (NetworkSettings.Ports), as `[ip]:port/proto`. dockerd 28 with `userland-proxy: false` drops a binding to an
 * IPv6 host address on an IPv4-only network without an error: the container runs, the port is simply absent.
 */
export function unpublishedPorts(info: InspectedContainer): string[] {
  const wanted = info.HostConfig.PortBindings ?? {};
  const actual = info.NetworkSettings.Ports ?? {};
  const missing: string[] = [];
  for (const [key, bindings] of Object.entries(wanted)) {
    for (const binding of bindings ?? []) {
      const bound = (actual[key] ?? []).some((candidate) => canonicalIp(candidate.HostIp) === canonicalIp(binding.HostIp) && candidate.HostPort === binding.HostPort);
      if (!bound) missing.push(`[${binding.HostIp}]:${binding.HostPort}->${key}`);
    }
  }
  return missing;
}
