import { SERVICES } from './services.mjs';
import { serviceCommand } from './supervise.mjs';

describe('serviceCommand', () => {
  it('runs every service under the replicas primary, which restarts a crashed worker; a singleton with one worker', () => {
    for (const service of SERVICES) {
      const command = serviceCommand(service, 3, process.cwd());
      expect(command).toMatch(new RegExp(`^exec node --enable-source-maps scripts/replicas\\.mjs --replicas ${service.singleton ? 1 : 3} -- ${service.entry.replace(/[.]/g, '\\.')}`));
    }
    expect(SERVICES.some((s) => s.singleton)).toBe(true);
  });
});
