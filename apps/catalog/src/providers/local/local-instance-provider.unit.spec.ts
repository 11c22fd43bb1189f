import { createLogger } from '@powernode/service-kit';
import { namesFor } from '@powernode/netns';
import { LocalInstanceProvider } from './local-instance-provider.js';

describe(LocalInstanceProvider.name, () => {
  const logger = createLogger('local-provider-unit', 'silent');

  it('refuses to start without root, with a clear IllegalState error', () => {
    const getuid = process.getuid;
    process.getuid = () => 1000;
    try {
      expect(() => new LocalInstanceProvider({ stateRoot: '/nonexistent', logger })).toThrow(
        expect.objectContaining({ code: 'IllegalState', message: expect.stringContaining('needs root') }),
      );
    } finally {
      process.getuid = getuid;
    }
  });

  it('names kernel objects within the 15-character interface limit', () => {
    expect(namesFor('pn', 'inst-3f9a1c')).toEqual({ namespace: 'pn-3f9a1c', hostInterface: 'pnh3f9a1c', instanceInterface: 'pni3f9a1c' });
    const long = namesFor('pt1a2b', '0b7e6c1e-1b4f-4a86-9b5e-2f0c6a3d9e11');
    expect(long.hostInterface.length).toBeLessThanOrEqual(15);
    expect(long.instanceInterface.length).toBeLessThanOrEqual(15);
  });
});
