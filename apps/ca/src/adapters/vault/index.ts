export { VaultCaAdapter } from './vault-ca-adapter.js';
export type { VaultAuth, VaultCaConfig } from './vault-config.js';
export { vaultCaEnv, vaultConfigFromEnv } from './vault-config-from-env.js';
export { toPlatformSerial, toVaultSerial } from './serial-format.js';
