import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { sweepWireguard } from '../sweep.js';

// Test support: network namespaces bridged on one L2 segment in a dedicated "lan" namespace, so the underlay
// needs no routing, no host sysctl and nothing in the root namespace.
const FAMILY = /^pwt[0-9a-f]{4}$/;
const OWNERS = '/run/powernode-wg-tests';
export const UNDERLAY_PREFIX = '198.19.200';

export function sh(argv: readonly string[], timeoutMs = 15_000): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(argv[0]!, argv.slice(1), { timeout: timeoutMs }, (error, stdout, stderr) =>
      error ? reject(new Error(`${argv.join(' ')}: ${String(stderr) || error.message}`)) : resolve(String(stdout)),
    );
  });
}

export function requireRoot(): void {
  if (process.getuid?.() !== 0) {
    throw new Error('libs/wireguard integration tests need root (network namespaces, wireguard-go); run them as root, as CI does');
  }
}

export class NetnsLab {
  readonly prefix = `pwt${randomBytes(2).toString('hex')}`;
  private readonly servers: ChildProcess[] = [];

  /** Namespace (and WireGuard interface) name for a host of this run, e.g. `pwt1a2b-a1`. */
  ns(host: string): string {
    return `${this.prefix}-${host}`;
  }

  get pattern(): RegExp {
    return new RegExp(`^${this.prefix}-`);
  }

  /** Removes what crashed runs of this suite left: their wireguard-go processes, sockets and namespaces. */
  static async sweepLeftovers(): Promise<void> {
    await mkdir(OWNERS, { recursive: true });
    const alive = new Set<string>();
    for (const file of await readdir(OWNERS)) {
      const prefix = file.replace(/\.pid$/, '');
      const pid = Number(await readFile(`${OWNERS}/${file}`, 'utf8').catch(() => '0'));
      if (pid > 0 && isAlive(pid)) alive.add(prefix);
      else await rm(`${OWNERS}/${file}`, { force: true });
    }
    const stale = (name: string): boolean => {
      const prefix = name.split('-')[0] ?? '';
      return FAMILY.test(prefix) && !alive.has(prefix);
    };
    await sweepWireguard(stale);
    for (const ns of await namespaces()) if (stale(ns)) await sh(['ip', 'netns', 'del', ns]).catch(() => undefined);
  }

  /** Creates the lan namespace with a bridge, and one namespace per host with a veth into it (198.19.200.<i>/24). */
  async create(hosts: readonly string[]): Promise<Map<string, string>> {
    await mkdir(OWNERS, { recursive: true });
    await writeFile(`${OWNERS}/${this.prefix}.pid`, String(process.pid));
    const lan = this.ns('lan');
    await sh(['ip', 'netns', 'add', lan]);
    await sh(['ip', '-n', lan, 'link', 'add', 'br0', 'type', 'bridge']);
    await sh(['ip', '-n', lan, 'link', 'set', 'br0', 'up']);
    const underlay = new Map<string, string>();
    for (const [index, host] of hosts.entries()) {
      const ns = this.ns(host);
      const address = `${UNDERLAY_PREFIX}.${index + 1}`;
      await sh(['ip', 'netns', 'add', ns]);
      await sh(['ip', '-n', lan, 'link', 'add', `v-${host}`, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', ns]);
      await sh(['ip', '-n', lan, 'link', 'set', `v-${host}`, 'master', 'br0', 'up']);
      await sh(['ip', '-n', ns, 'addr', 'add', `${address}/24`, 'dev', 'eth0']);
      await sh(['ip', '-n', ns, 'link', 'set', 'eth0', 'up']);
      await sh(['ip', '-n', ns, 'link', 'set', 'lo', 'up']);
      underlay.set(host, address);
    }
    return underlay;
  }

  /** A TCP server in `host`'s namespace on [::]:port that answers `hello from <host>`; resolves once it listens. */
  async serve(host: string, port: number): Promise<void> {
    this.servers.push(await serveIn(this.ns(host), port, `hello from ${host}`));
  }

  /** Connects from `host`'s namespace; resolves with what the server said, or `error: <code>` (bounded by timeoutMs). */
  connect(host: string, address: string, port: number, timeoutMs = 1_500): Promise<string> {
    return connectFrom(this.ns(host), address, port, timeoutMs);
  }

  /** Kills the servers, sweeps this run's WireGuard, deletes its namespaces. */
  async destroy(): Promise<void> {
    for (const server of this.servers) server.kill('SIGKILL');
    await sweepWireguard(this.pattern);
    for (const ns of await namespaces()) if (this.pattern.test(ns)) await sh(['ip', 'netns', 'del', ns]).catch(() => undefined);
    await rm(`${OWNERS}/${this.prefix}.pid`, { force: true });
  }
}

/** Runs `node -e script args…` in a named namespace (`undefined`: this process's own). */
function nodeIn(netns: string | undefined, script: string, args: string[] = []): [string, string[]] {
  const node = [process.execPath, '-e', script, ...args];
  return netns === undefined ? [node[0]!, node.slice(1)] : ['nsenter', [`--net=/var/run/netns/${netns}`, '--', ...node]];
}

/** A TCP server in `netns` on [::]:port answering `reply` to every connection; resolves once it listens. Kill it when done. */
export async function serveIn(netns: string | undefined, port: number, reply: string): Promise<ChildProcess> {
  const script = `require('net').createServer((s)=>s.end(process.argv[1])).listen(${port},'::',()=>console.log('ready'))`;
  const [command, args] = nodeIn(netns, script, [reply]);
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`server in ${netns ?? 'this namespace'} exited ${code}`)));
  });
  return child;
}

/** Connects from `netns` to address:port; resolves with what the server said, or `error: <code>` (bounded by timeoutMs). */
export async function connectFrom(netns: string | undefined, address: string, port: number, timeoutMs = 1_500): Promise<string> {
  const script = `const s=require('net').connect({host:process.argv[1],port:${port}});let d='';s.setTimeout(${timeoutMs},()=>{console.log('error: ETIMEDOUT');process.exit(0)});s.on('data',(c)=>d+=c);s.on('end',()=>{console.log(d);process.exit(0)});s.on('error',(e)=>{console.log('error: '+e.code);process.exit(0)})`;
  const [command, args] = nodeIn(netns, script, [address]);
  return (await sh([command, ...args], timeoutMs + 10_000)).trim();
}

/** An HTTP GET from `netns`; resolves with `<status> <body>`, or `error: <code>` (bounded by timeoutMs). */
export async function httpGetFrom(netns: string | undefined, url: string, timeoutMs = 2_000): Promise<string> {
  const script = `const r=require('http').get(process.argv[1],{timeout:${timeoutMs}},(res)=>{let d='';res.on('data',(c)=>d+=c);res.on('end',()=>{console.log(res.statusCode+' '+d);process.exit(0)})});r.on('timeout',()=>{console.log('error: ETIMEDOUT');process.exit(0)});r.on('error',(e)=>{console.log('error: '+e.code);process.exit(0)})`;
  const [command, args] = nodeIn(netns, script, [url]);
  return (await sh([command, ...args], timeoutMs + 10_000)).trim();
}

async function namespaces(): Promise<string[]> {
  return (JSON.parse((await sh(['ip', '-j', 'netns', 'list'])) || '[]') as { name: string }[]).map((n) => n.name);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
