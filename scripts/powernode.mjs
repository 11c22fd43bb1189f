#!/usr/bin/env node
// The `powernode` operator CLI (apps/cli), run from the build: `npm run build` first.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const entry = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'apps', 'cli', 'src', 'main.js');
if (!existsSync(entry)) {
  process.stderr.write(`powernode: the CLI is not built (${entry} is missing): run npm run build first\n`);
  process.exit(1);
}
const { runFromProcess } = await import(pathToFileURL(entry).href);
await runFromProcess();
