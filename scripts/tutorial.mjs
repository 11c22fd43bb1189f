// `npm run tutorial`: walks Tutorial 03 against a running `npm start`, from the build.
// It never rebuilds a dist that exists: `npm run build` starts with `rm -rf dist`, and a running `npm start` keeps
// spawning from it (agents of new or restarted instances, services the supervisor restarts), so a rebuild under it
// opens a window where those spawns fail and leaves them running newer code than the services. When dist has no
// tutorial yet (npm start built before it existed), only the tutorial and the lib it adds are compiled into it.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const entry = path.join(root, 'dist/apps/tutorial/src/main.js');
const opts = { cwd: root, stdio: 'inherit' };

if (!existsSync(path.join(root, 'dist/apps'))) {
  execFileSync('npm', ['run', 'build', '--silent'], opts);
} else if (!existsSync(entry)) {
  execFileSync('npx', ['swc', 'apps/tutorial', 'libs/netns', '-d', 'dist', '--copy-files', '--ignore', '**/*.spec.ts', '--quiet'], opts);
}
const result = spawnSync(process.execPath, [entry, ...process.argv.slice(2)], opts);
process.exit(result.status ?? 1);
