// scripts/replicas.mjs runs a service as N node:cluster workers sharing its listening port: every replica answers on
// the one port (port 0 too), a worker that dies is restarted, and a signal to the primary stops them all cleanly.
import { spawn } from 'node:child_process';
import { request } from 'node:http';
import { fileURLToPath } from 'node:url';

const REPLICAS = fileURLToPath(new URL('./replicas.mjs', import.meta.url));
const FIXTURE = fileURLToPath(new URL('./testing/replica-echo.mjs', import.meta.url));

interface Answer {
  replica: string;
  pid: number;
  remote: string;
}

interface LogLine {
  level: number;
  msg: string;
  replica?: number;
  worker_pid?: number;
  code?: number | null;
  signal?: string | null;
  restart_in_ms?: number;
}

/** The primary with its stdout split into the fixture's `listening <port>` lines and the primary's JSON log lines. */
function startPrimary(replicas: number) {
  const child = spawn(process.execPath, [REPLICAS, '--replicas', String(replicas), '--', FIXTURE], {
    env: { ...process.env, REPLICA_ECHO_PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const ports: number[] = [];
  const logs: LogLine[] = [];
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    let nl;
    while ((nl = stdout.indexOf('\n')) >= 0) {
      const line = stdout.slice(0, nl);
      stdout = stdout.slice(nl + 1);
      const listening = /^listening (\d+)$/.exec(line);
      if (listening) ports.push(Number(listening[1]));
      else if (line.startsWith('{')) logs.push(JSON.parse(line) as LogLine);
    }
  });
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  return { child, ports, logs, exited, stderr: () => stderr };
}

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One request on a fresh connection (no keep-alive agent), so the primary hands out a new socket each time. */
function ask(port: number): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', agent: false, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve(JSON.parse(body) as Answer));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Asks until every replica answered once (each worker accepts for itself: which one wins a connection is the kernel's choice). */
async function askEvery(port: number, replicas: number, maxTimes = 500): Promise<Answer[]> {
  const answers: Answer[] = [];
  while (answers.length < maxTimes && new Set(answers.map((a) => a.replica)).size < replicas) answers.push(await ask(port));
  return answers;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('scripts/replicas.mjs', () => {
  let primary: ReturnType<typeof startPrimary> | undefined;

  afterEach(async () => {
    // Leave nothing behind when an assertion failed half-way.
    if (primary && primary.child.exitCode === null && primary.child.signalCode === null) {
      primary.child.kill('SIGKILL');
      await primary.exited;
    }
    primary = undefined;
  });

  it('serves one port 0 from two replicas, restarts a killed worker, and stops them all on SIGTERM', async () => {
    primary = startPrimary(2);
    const { child, ports, logs, exited } = primary;

    // Both workers listen on port 0 and get the same port: the primary owns the socket.
    await until('two workers listening', () => ports.length >= 2);
    expect(ports[1]).toBe(ports[0]);
    const port = ports[0]!;

    const first = await askEvery(port, 2);
    expect(new Set(first.map((a) => a.replica))).toEqual(new Set(['0', '1']));
    const pids = new Map(first.map((a) => [a.replica, a.pid]));
    expect(pids.size).toBe(2);
    expect(first.every((a) => a.remote === '127.0.0.1')).toBe(true);

    // kill -9 one worker: the primary logs it and forks a new one for the same replica index after 1 s.
    const victim = pids.get('1')!;
    process.kill(victim, 'SIGKILL');
    const restarted = await until('the restart log line', () => logs.find((l) => l.msg === 'replica exited; restarting'));
    expect(restarted).toMatchObject({ level: 40, replica: 1, worker_pid: victim, code: null, signal: 'SIGKILL', restart_in_ms: 1000 });
    await until('the replacement worker listening', () => ports.length >= 3);
    expect(ports[2]).toBe(port);

    const second = await askEvery(port, 2);
    expect(new Set(second.map((a) => a.replica))).toEqual(new Set(['0', '1']));
    const replacement = second.find((a) => a.replica === '1')!.pid;
    expect(replacement).not.toBe(victim);
    expect(second.find((a) => a.replica === '0')!.pid).toBe(pids.get('0'));

    // SIGTERM to the primary: every worker exits 0, then the primary exits 0.
    child.kill('SIGTERM');
    expect(await exited).toEqual({ code: 0, signal: null });
    const stopped = logs.filter((l) => l.msg === 'replica stopped');
    expect(stopped.map((l) => [l.replica, l.code]).sort()).toEqual([
      [0, 0],
      [1, 0],
    ]);
    expect(logs.at(-1)).toMatchObject({ msg: 'all replicas exited', code: 0 });
    expect(alive(pids.get('0')!)).toBe(false);
    expect(alive(replacement)).toBe(false);
  });

  it('refuses a non-positive replica count with exit 2', async () => {
    primary = startPrimary(0);
    expect(await primary.exited).toEqual({ code: 2, signal: null });
    expect(primary.stderr()).toContain('--replicas needs a positive integer');
  });
});
