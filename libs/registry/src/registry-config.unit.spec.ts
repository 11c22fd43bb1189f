import { hostPort, renderRegistryConfig } from './registry-config.js';
import { debianVersionTag } from './debian-package.js';

describe('renderRegistryConfig', () => {
  it('renders filesystem storage and TLS on host:port as YAML-compatible JSON', () => {
    const sut = JSON.parse(renderRegistryConfig({ storageDir: '/d/storage', host: '10.0.0.1', port: 5443, certificateFile: '/d/c.crt', keyFile: '/d/k.key' }));
    expect(sut.version).toBe('0.1');
    expect(sut.storage.filesystem).toEqual({ rootdirectory: '/d/storage' });
    expect(sut.http).toMatchObject({ addr: '10.0.0.1:5443', tls: { certificate: '/d/c.crt', key: '/d/k.key' } });
    expect(sut.auth).toBeUndefined();
  });

  it('is writable (deletes allowed) only when not read-only', () => {
    const input = { storageDir: '/d/storage', host: '10.0.0.1', port: 5443, certificateFile: '/d/c.crt', keyFile: '/d/k.key' };
    const writable = JSON.parse(renderRegistryConfig(input)).storage;
    expect(writable.maintenance.readonly).toEqual({ enabled: false });
    expect(writable.delete).toEqual({ enabled: true });
    const served = JSON.parse(renderRegistryConfig({ ...input, readOnly: true })).storage;
    expect(served.maintenance.readonly).toEqual({ enabled: true });
    expect(served.delete).toEqual({ enabled: false });
  });

  it('brackets IPv6 literals', () => {
    expect(hostPort('fd00::1', 5000)).toBe('[fd00::1]:5000');
    expect(hostPort('127.0.0.1', 5000)).toBe('127.0.0.1:5000');
  });
});

describe('debianVersionTag', () => {
  it('drops the epoch and maps characters Docker tags refuse', () => {
    expect(debianVersionTag('1:1.35.0-4+deb12u1+b1')).toBe('1.35.0-4_deb12u1_b1');
    expect(debianVersionTag('2.8.2~rc1')).toBe('2.8.2_rc1');
  });
});
