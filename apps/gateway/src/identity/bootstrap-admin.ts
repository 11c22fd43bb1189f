import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PlatformError } from '@powernode/contracts';
import type { Logger } from '@powernode/service-kit';
import type { TokenAuthenticator } from './authenticator.js';
import type { IdentityService } from './identity.service.js';

export const ADMIN_ACCOUNT = 'admin';
const SYSTEM_ACTOR = 'system:gateway-bootstrap';

/**
 * First start: make sure an admin account exists and `<stateDir>/operator-token` holds a working
 * admin token (mode 0600). The token is written to the file only, never logged.
 */
export async function bootstrapAdminToken(stateDir: string, identity: IdentityService, auth: TokenAuthenticator, logger: Logger): Promise<string> {
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
  await writeFile(path, `${token}\n`, { mode: 0o600 });
  await chmod(path, 0o600);
  logger.info({ path }, 'admin operator token written');
  return path;
}
