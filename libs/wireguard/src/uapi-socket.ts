import { rm } from 'node:fs/promises';
import { connect } from 'node:net';

/** Where wireguard-go listens for `wg`; one directory for every namespace on the machine. */
export const WIREGUARD_SOCKET_DIR = '/var/run/wireguard';

export function socketPath(name: string): string {
  return `${WIREGUARD_SOCKET_DIR}/${name}.sock`;
}

/** True when a wireguard-go answers on the interface's socket (a file alone may be left over by a killed one). */
export function socketAlive(name: string, timeoutMs = 1_000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath(name));
    const done = (alive: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(alive);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}

export async function removeSocket(name: string): Promise<void> {
  await rm(socketPath(name), { force: true });
}
