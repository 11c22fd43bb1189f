// A build of the platform for tests that run its programs as processes: locally dist/ may be stale or missing (CI
// builds it, but a test must not depend on that), so the test compiles its own with the repo's SWC config into a
// scratch directory under the repo (node_modules and package.json "type": "module" resolve as they do from dist/).
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const REPO = process.cwd(); // jest runs from the repo root

export interface ScratchBuild {
  /** Where `apps/<app>/src/main.js` are: the `buildDir` of startPlatformProcesses. */
  dir: string;
  /** `<dir>/apps/<app>/src/main.js`. */
  mainJs(app: string): string;
  remove(): Promise<void>;
}

/** Compiles `sources` (e.g. `apps`, `libs`; specs left out) into `.tmp-<name>-build-<random>` under the repo. */
export async function scratchBuild(name: string, sources: readonly string[]): Promise<ScratchBuild> {
  const dir = join(REPO, `.tmp-${name}-build-${randomBytes(4).toString('hex')}`);
  try {
    await promisify(execFile)(join(REPO, 'node_modules/.bin/swc'), [...sources, '-d', dir, '--copy-files', '--ignore', '**/*.spec.ts', '--quiet'], { cwd: REPO });
  } catch (error) {
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return { dir, mainJs: (app) => join(dir, 'apps', app, 'src', 'main.js'), remove: () => rm(dir, { recursive: true, force: true }) };
}

/** Every service and the agent, as `npm run build` compiles them. */
export function buildPlatform(): Promise<ScratchBuild> {
  return scratchBuild('platform', ['apps', 'libs']);
}
