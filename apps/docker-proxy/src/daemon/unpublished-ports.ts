import type { InspectedContainer } from './container-view.js';

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
      const bound = (actual[key] ?? []).some((candidate) => candidate.HostIp === binding.HostIp && candidate.HostPort === binding.HostPort);
      if (!bound) missing.push(`[${binding.HostIp}]:${binding.HostPort}->${key}`);
    }
  }
  return missing;
}
