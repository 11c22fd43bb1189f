import { ConfigError } from '@powernode/service-kit';
import { vaultConfigFromEnv } from './vault-config-from-env.js';

function problemsOf(env: NodeJS.ProcessEnv): string[] {
  try {
    vaultConfigFromEnv(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).problems.map((problem) => problem.variable);
  }
  throw new Error('expected a ConfigError');
}

describe(vaultConfigFromEnv.name, () => {
  it('reads a token configuration with the default mount and role', () => {
    expect(vaultConfigFromEnv({ VAULT_ADDR: 'http://127.0.0.1:8200', VAULT_TOKEN: 's.abc' })).toEqual({
      address: 'http://127.0.0.1:8200',
      mount: 'pki_int',
      role: 'node',
      namespace: undefined,
      auth: { token: 's.abc' },
    });
  });

  it('reads an AppRole configuration with mount, role and namespace', () => {
    const config = vaultConfigFromEnv({
      VAULT_ADDR: 'https://vault.example:8200',
      VAULT_ROLE_ID: 'r',
      VAULT_SECRET_ID: 's',
      VAULT_PKI_MOUNT: 'pki_nodes',
      VAULT_PKI_ROLE: 'daemon',
      VAULT_NAMESPACE: 'ops',
    });
    expect(config).toEqual({
      address: 'https://vault.example:8200',
      mount: 'pki_nodes',
      role: 'daemon',
      namespace: 'ops',
      auth: { roleId: 'r', secretId: 's' },
    });
  });

  it('maps profiles to their own roles', () => {
    const config = vaultConfigFromEnv({ VAULT_ADDR: 'http://v:8200', VAULT_TOKEN: 't', VAULT_PKI_PROFILE_ROLES: 'docker-daemon-server=server,operator-client=client' });
    expect(config.profileRoles).toEqual({ 'docker-daemon-server': 'server', 'operator-client': 'client' });
    expect(problemsOf({ VAULT_ADDR: 'http://v:8200', VAULT_TOKEN: 't', VAULT_PKI_PROFILE_ROLES: 'server' })).toEqual(['VAULT_PKI_PROFILE_ROLES']);
  });

  it('names every bad variable at once', () => {
    expect(problemsOf({ VAULT_ADDR: 'ftp://vault', VAULT_ROLE_ID: 'r', VAULT_PKI_MOUNT: 'bad mount' }).sort()).toEqual([
      'VAULT_ADDR',
      'VAULT_PKI_MOUNT',
      'VAULT_SECRET_ID',
    ]);
  });

  it('wants exactly one way to authenticate', () => {
    expect(problemsOf({ VAULT_ADDR: 'http://v:8200' })).toEqual(['VAULT_TOKEN']);
    expect(problemsOf({ VAULT_ADDR: 'http://v:8200', VAULT_TOKEN: 't', VAULT_ROLE_ID: 'r', VAULT_SECRET_ID: 's' })).toEqual(['VAULT_TOKEN']);
  });

  it('treats empty variables as unset', () => {
    expect(vaultConfigFromEnv({ VAULT_ADDR: 'http://v:8200', VAULT_TOKEN: 't', VAULT_NAMESPACE: '' }).namespace).toBeUndefined();
  });
});
