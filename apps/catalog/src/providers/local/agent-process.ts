import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { setTimeout as delay } from 'node:timers/promises';
import { join } from 'node:path';
import { PlatformError } from '@powernode/contracts';
import type { InstanceSpec } from '../instance-provider.js';

export type AgentCommand = InstanceSpec['agent'];

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export const agentLogPath = (stateDir: string): string => join(stateDir, 'agent.log');

/**
 * Starts the agent inside the namespace with `nsenter --net=` (not `ip netns exec`, which remounts
 * /sys and hides the cgroups). nsenter execs the command in place, so the pid is the agent's.
 * The environment is only the spec's plus PATH and POWERNODE_INSTANCE_ID: platform secrets in
 * our own environment never leak into an instance. Detached: its own session, our stdio untouched.
 */
export function startAgent(namespace: string, stateDir: string, instanceId: string, agent: AgentCommand): ChildProcess {
  const log = openSync(agentLogPath(stateDir), 'a', 0o600);
  try {
    const child = spawn('nsenter', [`--net=/var/run/netns/${namespace}`, '--', agent.command, ...agent.args], {
      cwd: stateDir,
      detached: true,
      stdio: ['ignore', log, log],
      env: { PATH: process.env['PATH'] ?? DEFAULT_PATH, ...agent.env, POWERNODE_INSTANCE_ID: instanceId },
    });
    child.on('error', () => undefined); // surfaced through the missing pid below
    if (child.pid === undefined) throw new PlatformError('Internal', `could not start the agent of ${instanceId} (is nsenter installed?)`);
    child.unref();
    return child;
  } finally {
    closeSync(log);
  }
}

async function argvOf(pid: number): Promise<string[] | undefined> {
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    // The state follows the parenthesised command name, which may itself contain spaces or ')'.
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return undefined;
    const raw = await readFile(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').slice(0, -1);
  } catch {
    return undefined;
  }
}

/**
 * True when `pid` is alive and still runs this agent (argv ends with the command and its args,
 * before or after nsenter's exec), so a recycled pid is never mistaken for ours.
 */
export async function isAgentProcess(pid: number, agent: AgentCommand): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const argv = await argvOf(pid);
  if (argv === undefined) return false;
  const expected = [agent.command, ...agent.args];
  if (argv.length < expected.length) return false;
  const tail = argv.slice(argv.length - expected.length);
  return tail.every((arg, i) => arg === expected[i]);
}

async function alive(pid: number): Promise<boolean> {
  return (await argvOf(pid)) !== undefined;
}

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    // already gone
  }
}

/**
 * SIGTERM to every pid, SIGKILL to those still alive after `graceMs`, then waits until they are
 * gone. `more()` re-lists processes (e.g. a namespace's) so children spawned meanwhile are caught.
 */
export async function stopProcesses(pids: number[], graceMs: number, more: () => Promise<number[]> = async () => []): Promise<void> {
  const targets = new Set(pids);
  const pollMs = 20;
  for (const pid of targets) signal(pid, 'SIGTERM');
  const remaining = async (): Promise<number[]> => {
    for (const pid of await more()) {
      if (!targets.has(pid)) signal(pid, 'SIGTERM');
      targets.add(pid);
    }
    const left: number[] = [];
    for (const pid of targets) if (await alive(pid)) left.push(pid);
    return left;
  };
  const termDeadline = Date.now() + graceMs;
  let left = await remaining();
  while (left.length > 0 && Date.now() < termDeadline) {
    await delay(pollMs);
    left = await remaining();
  }
  const killDeadline = Date.now() + 5_000;
  while (left.length > 0) {
    for (const pid of left) signal(pid, 'SIGKILL');
    if (Date.now() > killDeadline) {
      throw new PlatformError('Internal', `processes survived SIGKILL: ${left.join(', ')}`, { pids: left });
    }
    await delay(pollMs);
    left = await remaining();
  }
}
