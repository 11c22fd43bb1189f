import { isProgressOf, progressBar } from './progress.js';

describe('pull progress', () => {
  const p = { host_id: 'host-1', reference: 'reg:5000/web:latest', status: 'Downloading', layers_done: 1, layers_total: 2, bytes_current: 500_000, bytes_total: 1_000_000 };

  it('draws a half bar for half the bytes', () => {
    expect(progressBar(p)).toBe(`[${'#'.repeat(15)}${'-'.repeat(15)}]  1/2 layers  0.5 MB/1.0 MB  Downloading`);
  });

  it('matches this pull only: its host, its reference (untagged means latest)', () => {
    expect(isProgressOf(p, 'reg:5000/web', 'host-1')).toBe(true);
    expect(isProgressOf(p, 'reg:5000/web:latest', undefined)).toBe(true);
    expect(isProgressOf(p, 'reg:5000/web:1', 'host-1')).toBe(false);
    expect(isProgressOf(p, 'reg:5000/web:latest', 'host-2')).toBe(false);
  });
});
