import { createHash } from 'node:crypto';
import { agentProtocol } from '@powernode/contracts';
import { DOCKER_TLS_PORT, canonicalJson } from '@powernode/contracts';

/**
 * daemon.json keys a module's operator overrides may never set, because they decide who can reach the daemon
 * or where it listens (DESIGN §4), or belong to the agent that supervises dockerd:
 * - listener and TLS: `hosts` (and `host`), `tls`, `tlsverify`, `tlscacert`, `tlscert`, `tlskey`;
 * - `ip`: published ports bind the overlay /128, never 0.0.0.0;
 * - `userland-proxy`: with it off, dockerd silently drops a port published on an IPv6 host address (the overlay)
 *   when the bridge is IPv4-only: the container runs with no port at all;
 * - `live-restore`: certificate renewal restarts dockerd and running containers must survive it;
 * - `authorization-plugins`, `userns-remap`, `group` (who may use the local socket), `api-cors-header`:
 *   they change who may do what against the daemon, which the platform alone decides;
 * - `data-root`, `exec-root`, `pidfile`, `cgroup-parent`: the agent sets them itself (one dockerd per local
 *   instance, side by side; two sharing a data-root would corrupt each other, and the local provider finds an
 *   instance's containers by their cgroup parent to stop them with the instance);
 * - `exec-opts`: `native.cgroupdriver=systemd` would make dockerd refuse that cgroup parent.
 * Matching ignores case, `-` and `_`: dockerd decodes daemon.json with Go's encoding/json, whose field names
 * match case-insensitively, so `Hosts` would otherwise slip past as another key and win.
 */
export const PROTECTED_DAEMON_KEYS = [
  'hosts',
  'host',
  'tls',
  'tlsverify',
  'tlscacert',
  'tlscert',
  'tlskey',
  'ip',
  'userland-proxy',
  'live-restore',
  'authorization-plugins',
  'userns-remap',
  'group',
  'api-cors-header',
  'data-root',
  'exec-root',
  'pidfile',
  'cgroup-parent',
  'exec-opts',
] as const;

// Go folds by Unicode simple case folding: `ſ` (U+017F) matches `s`, and the Kelvin sign (U+212A) `k` (toLowerCase maps that one).
const fold = (key: string) => key.toLowerCase().replace(/\u017f/g, 's').replace(/[-_]/g, '');
const PROTECTED = new Set<string>(PROTECTED_DAEMON_KEYS.map(fold));
/** Not daemon settings at all, and dangerous as object keys. */
const NEVER = new Set(['__proto__', 'constructor', 'prototype']);

export function isProtectedDaemonKey(key: string): boolean {
  return PROTECTED.has(fold(key)) || NEVER.has(key);
}

export interface DaemonConfigInput {
  /** The overlay /128 the daemon's certificate was signed for. */
  overlay: string;
  /** Absolute directory on the node holding ca.pem, server-cert.pem and server-key.pem. */
  tlsDir: string;
  /** The docker module's published config; its `daemon` object holds operator overrides for daemon.json. */
  moduleConfig: Record<string, unknown>;
}

export interface RenderedDaemonConfig {
  config: Record<string, unknown>;
  /** SHA-256 (hex) of the canonical JSON of `config`. */
  hash: string;
  /** Override keys that were dropped, sorted. */
  refused: string[];
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/**
 * The daemon configuration for a host: the module's `daemon` overrides first, then the platform's settings on
 * top. An override of a protected key is dropped (and reported), never applied: the assignment still goes on,
 * since the rest of the configuration is sound and the daemon stays locked to the overlay with mTLS.
 * Other module config keys (`package`, `listen_port`, `tls_verify`) steer the agent's install, not dockerd:
 * the port is always 2376 and TLS always verified.
 */
export function renderDaemonConfig({ overlay, tlsDir, moduleConfig }: DaemonConfigInput): RenderedDaemonConfig {
  const overrides = isPlainObject(moduleConfig.daemon) ? moduleConfig.daemon : {};
  const refused = Object.keys(overrides).filter(isProtectedDaemonKey).sort();
  // fromEntries defines own properties: a `__proto__` key could not reach a prototype even if it got here.
  const allowed = Object.fromEntries(Object.entries(overrides).filter(([key]) => !isProtectedDaemonKey(key)));
  const dir = tlsDir.replace(/\/+$/, '');
  const { ca, cert, key } = agentProtocol.DOCKER_TLS_FILES;
  const config: Record<string, unknown> = {
    ...allowed,
    hosts: [`tcp://[${overlay}]:${DOCKER_TLS_PORT}`],
    tls: true,
    tlsverify: true,
    tlscacert: `${dir}/${ca}`,
    tlscert: `${dir}/${cert}`,
    tlskey: `${dir}/${key}`,
    ip: overlay,
    'userland-proxy': true,
    'live-restore': true,
  };
  return { config, hash: createHash('sha256').update(canonicalJson(config)).digest('hex'), refused };
}
