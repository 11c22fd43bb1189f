import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DataSource } from 'typeorm';
import type { CaConfig } from '../config.js';
import type { InternalCaService } from './internal-ca-service.js';
import { LocalCaAdapter, type CaFixture } from './local/local-ca-adapter.js';
import { VaultCaAdapter, vaultConfigFromEnv } from './vault/index.js';

/** Chooses the adapter by POWERNODE_CA_MODE. */
export async function createCaAdapter(config: CaConfig, db: DataSource): Promise<InternalCaService> {
  if (config.POWERNODE_CA_MODE === 'vault') return new VaultCaAdapter(vaultConfigFromEnv(vaultEnvOf(config)));
  return LocalCaAdapter.open({
    db,
    schema: config.DATABASE_SCHEMA,
    kek: await keyEncryptionKey(config),
    ...(config.CA_FIXTURE_DIR ? { fixture: await readFixture(config.CA_FIXTURE_DIR) } : {}),
  });
}

/** CA_KEK, or a key kept in the state directory (mode 0600), created on first start. */
async function keyEncryptionKey(config: CaConfig): Promise<Buffer> {
  if (config.CA_KEK) return Buffer.from(config.CA_KEK, 'base64');
  const path = resolve(config.POWERNODE_STATE_DIR, 'ca-kek');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing) return Buffer.from(existing.trim(), 'base64');
  await mkdir(config.POWERNODE_STATE_DIR, { recursive: true, mode: 0o700 });
  const kek = randomBytes(32);
  // 'wx': if another process created it meanwhile, use theirs.
  await writeFile(path, `${kek.toString('base64')}\n`, { mode: 0o600, flag: 'wx' }).catch(async () => undefined);
  return Buffer.from((await readFile(path, 'utf8')).trim(), 'base64');
}

/** The VAULT_* values the CA's config validated at boot, as vaultConfigFromEnv reads them. */
function vaultEnvOf(config: CaConfig): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(config).filter(([key, value]) => key.startsWith('VAULT_') && value !== undefined)) as NodeJS.ProcessEnv;
}

async function readFixture(dir: string): Promise<CaFixture> {
  const read = (name: string) => readFile(join(dir, name), 'utf8');
  return { rootCertPem: await read('root.pem'), intermediateCertPem: await read('intermediate.pem'), intermediateKeyPem: await read('intermediate.key') };
}
