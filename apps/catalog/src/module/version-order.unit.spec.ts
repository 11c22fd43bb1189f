import { compareVersions, highestVersion } from './version-order.js';

describe('version order', () => {
  it('compares numeric parts as numbers', () => {
    expect(compareVersions('1.10.0', '1.9.2')).toBe(1);
    expect(compareVersions('1.0.0', '1.0.0')).toBe(0);
    expect(compareVersions('1.0', '1.0.1')).toBe(-1);
  });

  it('puts a pre-release before its release and ignores build metadata', () => {
    expect(compareVersions('2.0.0-rc1', '2.0.0')).toBe(-1);
    expect(compareVersions('2.0.0-rc2', '2.0.0-rc1')).toBe(1);
    expect(compareVersions('1.0.0+build7', '1.0.0')).toBe(0);
  });

  it('finds the highest version', () => {
    expect(highestVersion([{ version: '1.9.0' }, { version: '1.10.0' }, { version: '1.2.0' }])).toEqual({ version: '1.10.0' });
    expect(highestVersion([])).toBeUndefined();
  });
});
