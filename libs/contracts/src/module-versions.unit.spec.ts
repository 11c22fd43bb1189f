import { compareModuleVersions, highestModuleVersion } from './module-versions.js';

describe(compareModuleVersions.name, () => {
  it('orders numeric parts as numbers and pre-releases before their release', () => {
    expect(['1.10.0', '1.9.2', '2.0.0-rc1', '2.0.0', '1.9.2-beta'].sort(compareModuleVersions)).toEqual(['1.9.2-beta', '1.9.2', '1.10.0', '2.0.0-rc1', '2.0.0']);
    expect(compareModuleVersions('1.0.0+build.5', '1.0.0')).toBe(0);
  });

  it('picks the highest holder, or none', () => {
    expect(highestModuleVersion([{ version: '1.2.0' }, { version: '1.10.0' }])).toEqual({ version: '1.10.0' });
    expect(highestModuleVersion([])).toBeUndefined();
  });
});
