/** The data of a `system.docker.image.pull_progress` event. */
export interface PullProgress {
  host_id: string;
  reference: string;
  status: string;
  layers_done: number;
  layers_total: number;
  bytes_current?: number;
  bytes_total?: number;
}

const WIDTH = 30;

const mb = (bytes: number) => `${(bytes / 1_000_000).toFixed(1)} MB`;

/** A one-line bar for a TTY: `[#########---------]  3/5 layers  12.0 MB/40.0 MB  Downloading`. */
export function progressBar(p: PullProgress): string {
  const fraction = p.bytes_total ? (p.bytes_current ?? 0) / p.bytes_total : p.layers_total ? p.layers_done / p.layers_total : 0;
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * WIDTH);
  const bytes = p.bytes_total ? `  ${mb(p.bytes_current ?? 0)}/${mb(p.bytes_total)}` : '';
  return `[${'#'.repeat(filled)}${'-'.repeat(WIDTH - filled)}]  ${p.layers_done}/${p.layers_total} layers${bytes}  ${p.status}`;
}

/** The plain line for logs and pipes. */
export function progressLine(p: PullProgress): string {
  const bytes = p.bytes_total ? `, ${mb(p.bytes_current ?? 0)} of ${mb(p.bytes_total)}` : '';
  return `${p.reference}: ${p.status} (${p.layers_done}/${p.layers_total} layers${bytes})`;
}

/** Whether a progress event is about this pull (the host may be unknown when the platform picks the only one). */
export function isProgressOf(p: PullProgress, reference: string, hostId: string | undefined): boolean {
  if (hostId && p.host_id !== hostId) return false;
  return p.reference === reference || (!/:[^/]*$|@/.test(reference) && p.reference === `${reference}:latest`);
}
