import { randomBytes } from 'node:crypto';
import { chmod, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PlatformError } from '@powernode/contracts';
import { withAdvisoryLock, type Logger } from '@powernode/service-kit';
import type { DataSource } from 'typeorm';
import type { TokenAuthenticator } from './authenticator.js';
import type { IdentityService } from './identity.service.js';

export const ADMIN_ACCOUNT = 'admin';
const SYSTEM_ACTOR = 'system:gateway-bootstrap';

/**
 * First start: make sure an admin account exists and `<stateDir>/operator-token` holds a working
 * admin token (mode 0600). The token is written to the file only, never logged. Replicas starting together take
 * turns (an advisory lock in the gateway's schema): the second finds the first one's token working (its projection
 * caught up before the file was written) instead of issuing another and overwriting the file.
 */
export async function bootstrapAdminToken(
  stateDir: string,
  identity: IdentityService,
  auth: TokenAuthenticator,
  logger: Logger,
  db: { dataSource: DataSource; schema: string },
): Promise<string> {
  return withAdvisoryLock(db.dataSource, `powernode.bootstrap-admin.${db.schema}`, () => bootstrap(stateDir, identity, auth, logger));
}

async function bootstrap(stateDir: string, identity: IdentityService, auth: TokenAuthenticator, logger: Logger): Promise<string> {
  const path = resolve(stateDir, 'operator-token');
  const existing = await readFile(path, 'utf8').catch(() => undefined);
  if (existing && (await auth.authenticate(`Bearer ${existing.trim()}`).then(() => true, () => false))) {
    logger.info({ path }, 'operator token present');
    return path;
  }
  try {
    await identity.createAccount(ADMIN_ACCOUNT, ['admin'], { actor: SYSTEM_ACTOR });
  } catch (error) {
    // Another replica, or an earlier start, created it first.
    if (!(error instanceof PlatformError && error.code === 'Conflict')) throw error;
  }
  const { token } = await identity.issueToken(ADMIN_ACCOUNT, 'bootstrap', { actor: SYSTEM_ACTOR });
  await mkdir(stateDir, { recursive: true, mode: 0o700 });
  // Whole or not at all: a reader (the CLI, a replica on another schema sharing the dir) never sees half a token.
  const temporary = `${path}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, `${token}\n`, { mode: 0o600 });
    await chmod(temporary, 0o600);
    await rename(temporary, path);
  } finally {
    await rm(temporary, { force: true });
  }
  logger.info({ path }, 'admin operator token written');
  return path;
}
