#!/usr/bin/env node
// npm run tutorial: walks Tutorial 03 against a running platform (npm start). Needs root.
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { NEEDS_ROOT, runTutorial, TutorialFailed } from './tutorial.js';

const USAGE = `usage: npm run tutorial -- [--url http://127.0.0.1:8080] [--token-file .powernode/operator-token] [--keep]`;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      'token-file': { type: 'string', default: '.powernode/operator-token' },
      keep: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (process.getuid?.() !== 0) {
    console.error(NEEDS_ROOT);
    return 2;
  }
  let token: string;
  try {
    token = (await readFile(values['token-file'], 'utf8')).trim();
  } catch (error) {
    console.error(`cannot read the operator token from ${values['token-file']} (npm start writes it): ${(error as Error).message}`);
    return 2;
  }
  try {
    await runTutorial(
      { url: values.url.replace(/\/+$/, ''), token, keep: values.keep, operatorDir: join(homedir(), '.powernode'), laptopPrefix: 'pn' },
      { out: (line) => console.log(line) },
    );
    return 0;
  } catch (error) {
    if (error instanceof TutorialFailed) console.error(`tutorial failed at ${error.step}: ${error.reason}`);
    else console.error(error);
    return 1;
  }
}

process.exitCode = await main();
