/** `198.18.0.1:5000` or `[fd00::1]:5000` → host and port (the config schema has already checked the shape). */
export function parseRegistryAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([0-9a-fA-F:]+)\]|(\d{1,3}(?:\.\d{1,3}){3})):(\d{1,5})$/.exec(address);
  if (!match) throw new Error(`not an IP:port: ${address}`);
  return { host: (match[1] ?? match[2])!, port: Number(match[3]) };
}

/** Retry delay after `attempt` failures in a row: 0.5 s doubling up to 30 s. */
export function backoffMs(attempt: number): number {
  return Math.min(500 * 2 ** Math.min(attempt, 10), 30_000);
}
