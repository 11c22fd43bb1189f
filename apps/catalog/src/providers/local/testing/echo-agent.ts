import { execFile } from 'node:child_process';
import { connect, type Server, createServer } from 'node:net';
import { promisify } from 'node:util';
import type { InstanceSpec } from '../../instance-provider.js';

const exec = promisify(execFile);

export const ECHO_AGENT_PORT = 7070;

// A stand-in for powernode-agent: answers every TCP connection on [::]:7070 with its instance id.
const SOURCE = `
const net = require('node:net');
const id = process.env.POWERNODE_INSTANCE_ID ?? '';
const server = net.createServer((socket) => socket.end(id));
server.listen({ host: '::', port: ${ECHO_AGENT_PORT} }, () => console.log('echo agent ' + id + ' listening'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

/** The agent command of the echo stand-in. */
export function echoAgent(env: Record<string, string> = {}): InstanceSpec['agent'] {
  return { command: process.execPath, args: ['-e', SOURCE], env };
}

/** Connects from the caller's namespace and returns everything the peer sends before closing. */
export function readFrom(host: string, port = ECHO_AGENT_PORT, timeoutMs = 2_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host, port, timeout: timeoutMs });
    let data = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => (data += chunk));
    socket.on('end', () => resolve(data));
    socket.on('timeout', () => socket.destroy(new Error(`timeout connecting to ${host}:${port}`)));
    socket.on('error', reject);
  });
}

/** Like readFrom, but from inside a namespace (a short node process under nsenter). */
export async function readFromNamespace(namespace: string, host: string, port: number): Promise<string> {
  const script = `require('node:net').connect({ host: ${JSON.stringify(host)}, port: ${port}, timeout: 2000 }, function () { this.setEncoding('utf8'); this.on('data', (d) => process.stdout.write(d)); })
    .on('timeout', () => process.exit(3)).on('error', (e) => { console.error(e.message); process.exit(2); });`;
  const { stdout } = await exec('nsenter', [`--net=/var/run/netns/${namespace}`, '--', process.execPath, '-e', script]);
  return stdout;
}

/** A TCP server on [::]:<ephemeral> in the caller's namespace answering `reply`. */
export async function listenAnswering(reply: string): Promise<{ server: Server; port: number }> {
  const server = createServer((socket) => socket.end(reply));
  await new Promise<void>((resolve) => server.listen({ host: '::', port: 0 }, resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}
