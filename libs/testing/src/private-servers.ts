// A NATS server and a PostgreSQL cluster of a test's own, for tests that crash and restart them (chaos, clusters):
// the machine's shared servers are never touched. Each keeps its data in a directory under /tmp named
// `powernode-private-*`, so CI's cleanup finds the processes of a killed run by that name.
import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { chown, mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const PRIVATE_SERVER_DIR_PREFIX = 'powernode-private-';
const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** A free TCP port on loopback (closed again before it is returned). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

async function waitForPort(port: number, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1', () => (socket.destroy(), resolve(true)));
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error(`${what} did not listen on 127.0.0.1:${port} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/**
 * One `nats-server` with JetStream on file storage (`-sd`), on a fixed loopback port for its whole life, so a
 * restart comes back where the clients reconnect.
 */
export class PrivateNats {
  private child: ChildProcess | undefined;

  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PrivateNats> {
    const server = new PrivateNats(await freeLoopbackPort(), await mkdtemp(join(tmpdir(), `${PRIVATE_SERVER_DIR_PREFIX}nats-`)));
    await server.up();
    return server;
  }

  get url(): string {
    return `nats://127.0.0.1:${this.port}`;
  }

  async up(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) return;
    this.child = spawn('nats-server', ['-a', '127.0.0.1', '-p', String(this.port), '-js', '-sd', join(this.dir, 'jetstream')], { stdio: 'ignore' });
    await waitForPort(this.port, 'nats-server');
  }

  /** A crash: SIGKILL, no shutdown. */
  async kill(): Promise<void> {
    await stopChild(this.child, 'SIGKILL');
  }

  async restart(): Promise<void> {
    await this.kill();
    await this.up();
  }

  async destroy(): Promise<void> {
    await stopChild(this.child, 'SIGTERM');
    await rm(this.dir, { recursive: true, force: true });
  }
}

/**
 * A PostgreSQL cluster of its own (initdb, trust on loopback), run as the `postgres` user when started by root.
 * `crash()` is `pg_ctl stop -m immediate`: no checkpoint, recovery from the WAL at the next start.
 */
export class PrivatePostgres {
  private constructor(
    readonly port: number,
    readonly dir: string,
  ) {}

  static async start(): Promise<PrivatePostgres> {
    const dir = await mkdtemp(join(tmpdir(), `${PRIVATE_SERVER_DIR_PREFIX}pg-`));
    const server = new PrivatePostgres(await freeLoopbackPort(), dir);
    if (userInfo().uid === 0) {
      const id = async (flag: string) => Number((await run('id', [flag, 'postgres'])).stdout.trim());
      await chown(dir, await id('-u'), await id('-g'));
    }
    await server.pg('initdb', ['-D', server.data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
    await server.up();
    return server;
  }

  get url(): string {
    return `postgres://postgres@127.0.0.1:${this.port}/postgres`;
  }

  private get data(): string {
    return join(this.dir, 'data');
  }

  async up(): Promise<void> {
    // fsync stays on: a crash test must not lose what PostgreSQL acknowledged.
    const options = `-c listen_addresses=127.0.0.1 -p ${this.port} -k ${this.dir} -c max_connections=300`;
    await this.pg('pg_ctl', ['-D', this.data, '-l', join(this.dir, 'log'), '-o', options, '-w', '-t', '60', 'start']);
  }

  async crash(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', 'immediate', '-w', 'stop']);
  }

  async restart(): Promise<void> {
    await this.crash();
    await this.up();
  }

  async destroy(): Promise<void> {
    await this.pg('pg_ctl', ['-D', this.data, '-m', 'fast', '-w', 'stop']).catch(() => undefined);
    await rm(this.dir, { recursive: true, force: true });
  }

  /** A PostgreSQL program, as `postgres` when we are root (the server refuses to run as root). */
  private async pg(program: string, args: string[]): Promise<void> {
    const binary = join(PG_BIN, program);
    const [command, argv] = userInfo().uid === 0 ? ['runuser', ['-u', 'postgres', '--', binary, ...args]] : [binary, args];
    try {
      await run(command, argv, { cwd: this.dir });
    } catch (error) {
      const { stderr = '', stdout = '' } = error as { stderr?: string; stdout?: string };
      throw new Error(`${program} ${args.join(' ')} failed: ${stderr || stdout || String(error)}`);
    }
  }
}
