// Latency and throughput loops for the proxy benchmark: sequential samples in interleaved blocks, and a
// fixed-concurrency closed loop for a fixed time.

/** One request; resolves when the whole answer has been read. */
export type Probe = () => Promise<unknown>;

/** The q-quantile (0..1) of the samples, nearest rank. */
export function percentile(samples: number[], q: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!;
}

/**
 * `total` sequential requests per probe, in blocks of `block` that alternate between the probes (and which one
 * starts), so drift in the machine hits every probe alike. Returns each probe's latencies in milliseconds.
 */
export async function interleavedLatencies(probes: Record<string, Probe>, total: number, block: number): Promise<Record<string, number[]>> {
  const names = Object.keys(probes);
  const samples: Record<string, number[]> = Object.fromEntries(names.map((n) => [n, []]));
  for (let round = 0; round * block < total; round += 1) {
    const order = round % 2 === 0 ? names : [...names].reverse();
    for (const name of order) {
      const probe = probes[name]!;
      for (let i = 0; i < block; i += 1) {
        const started = performance.now();
        await probe();
        samples[name]!.push(performance.now() - started);
      }
    }
  }
  return samples;
}

/** Requests per second with `concurrency` callers each issuing the next request as soon as the last answered. */
export async function throughput(probe: Probe, concurrency: number, durationMs: number): Promise<number> {
  let done = 0;
  const started = performance.now();
  const deadline = started + durationMs;
  const worker = async () => {
    while (performance.now() < deadline) {
      await probe();
      done += 1;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return done / ((performance.now() - started) / 1000);
}

/** Mean of `n` sequential calls, in milliseconds (after `n / 5` unmeasured ones). */
export async function meanMs(probe: Probe, n: number): Promise<number> {
  for (let i = 0; i < Math.ceil(n / 5); i += 1) await probe();
  const started = performance.now();
  for (let i = 0; i < n; i += 1) await probe();
  return (performance.now() - started) / n;
}
