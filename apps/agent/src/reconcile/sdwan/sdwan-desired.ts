import { z } from 'zod';

// The agent's reading of `desired.sdwan`. The contracts' DesiredState will carry it; until then it is read from
// the raw desired object, and validated here either way (it crosses a process boundary).
const desiredSdwanPeer = z.object({
  public_key: z.string(),
  allowed_ips: z.array(z.string()),
  endpoint: z.string().optional(),
  persistent_keepalive: z.number().int().min(0).max(65535).optional(),
});

const desiredSdwanInterface = z.object({
  name: z.string(),
  network_id: z.string(),
  address: z.string(),
  listen_port: z.number().int().min(1).max(65535),
  peers: z.array(desiredSdwanPeer),
});

export const desiredSdwan = z.object({ interfaces: z.array(desiredSdwanInterface) });
export type DesiredSdwan = z.infer<typeof desiredSdwan>;
export type DesiredSdwanInterface = z.infer<typeof desiredSdwanInterface>;

/** The SDWAN part of a desired state; no `sdwan` means no interfaces. Throws (zod) on a malformed one. */
export function readDesiredSdwan(desired: object): DesiredSdwan {
  const raw = (desired as { sdwan?: unknown }).sdwan;
  return raw === undefined || raw === null ? { interfaces: [] } : desiredSdwan.parse(raw);
}
