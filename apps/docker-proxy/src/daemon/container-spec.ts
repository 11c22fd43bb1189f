import { PlatformError, type dockerActions } from '@powernode/contracts';
import type { z } from 'zod';
import { imageReferenceOf } from './image-reference.js';
import { miscasedKeys, privilegedReasons, publishedPortViolations } from './privileged-reasons.js';

export type CreateContainerInput = z.output<typeof dockerActions.dockerCreateContainer.input>;
type Json = Record<string, unknown>;
type Protocol = 'tcp' | 'udp' | 'sctp';

/** A port the container publishes, as the audit trail records it (docker.events publishedPort). */
export interface PublishedPort {
  host_ip: string;
  host: number;
  container: number;
  protocol: Protocol;
}

export interface CreateSpec {
  name?: string;
  /** The image reference the body names (image + tag folded). */
  image: string;
  /** Docker Engine API `POST /containers/create` body, HostConfig included. */
  body: Json;
  published: PublishedPort[];
  /** True when raw `params` went into the body (only ever with allowPrivileged). */
  privilegedParams: boolean;
}

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `cmd` as the action takes it → docker's Cmd. An array is used as is. A string without whitespace is one
 * argv word (`nginx`); any other string runs through `sh -c` (so the image needs a shell). Docker's own CLI
 * would split on spaces without a shell; we do not guess at quoting.
 */
export function commandOf(cmd: string | string[]): string[] {
  if (Array.isArray(cmd)) return cmd;
  return /\s/.test(cmd) ? ['sh', '-c', cmd] : [cmd];
}

function envOf(env: Record<string, string> | string[]): string[] {
  return Array.isArray(env) ? env : Object.entries(env).map(([key, value]) => `${key}=${value}`);
}

/** Raw params over our body: top-level keys replace ours, HostConfig keys replace ours one by one. */
function merge(own: Json, params: Json): Json {
  const body: Json = { ...own, ...params };
  if (isObject(params.HostConfig)) body.HostConfig = { ...(own.HostConfig as Json), ...params.HostConfig };
  return body;
}

/** The ports the final body publishes; a binding without a fixed host port is refused (the audit trail names ports). */
function publishedPorts(body: Json): PublishedPort[] {
  const host = isObject(body.HostConfig) ? body.HostConfig : {};
  const bindings = isObject(host.PortBindings) ? host.PortBindings : {};
  const published: PublishedPort[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const match = /^(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(key);
    if (!match) throw new PlatformError('InvalidInput', `PortBindings key ${key} is not <port>/<tcp|udp|sctp>`, { port: key });
    for (const binding of Array.isArray(list) ? list : []) {
      const hostPort = Number(isObject(binding) ? binding.HostPort : undefined);
      if (!Number.isInteger(hostPort) || hostPort < 1 || hostPort > 65535) {
        throw new PlatformError('InvalidInput', `${key} must bind a fixed host port (1-65535)`, { port: key });
      }
      published.push({ host_ip: String((binding as Json).HostIp), host: hostPort, container: Number(match[1]), protocol: (match[2] ?? 'tcp') as Protocol });
    }
  }
  const seen = new Set<string>();
  const duplicates = new Set<string>();
  for (const port of published) {
    const key = `${port.host}/${port.protocol}`;
    if (seen.has(key)) duplicates.add(key);
    seen.add(key);
  }
  if (duplicates.size > 0) {
    throw new PlatformError('InvalidInput', `host ports published more than once: ${[...duplicates].join(', ')}`, { duplicates: [...duplicates] });
  }
  return published;
}

/**
 * The create body for `input` on a host whose overlay address is `overlay`. Every published port binds that
 * address only, for privileged callers too. Raw `params` and settings that hand the container the host
 * (privilegedReasons) need `allowPrivileged`, else Forbidden with the reasons.
 */
export function buildCreateBody(input: CreateContainerInput, overlay: string, allowPrivileged: boolean): CreateSpec {
  const image = imageReferenceOf(input.image, input.tag);
  const params = input.params ?? {};
  const privilegedParams = Object.keys(params).length > 0;

  const exposed: Json = {};
  const portBindings: Record<string, Array<{ HostIp: string; HostPort: string }>> = {};
  for (const port of input.ports) {
    const key = `${port.container}/${port.protocol}`;
    exposed[key] = {};
    (portBindings[key] ??= []).push({ HostIp: overlay, HostPort: String(port.host) });
  }
  const hostConfig: Json = { PortBindings: portBindings };
  if (input.restart_policy !== undefined) {
    hostConfig.RestartPolicy = input.restart_policy === 'on-failure' ? { Name: 'on-failure', MaximumRetryCount: 5 } : { Name: input.restart_policy };
  }
  const own: Json = { Image: image, ExposedPorts: exposed, HostConfig: hostConfig };
  if (input.env !== undefined) own.Env = envOf(input.env);
  if (input.cmd !== undefined) own.Cmd = commandOf(input.cmd);
  if (input.labels !== undefined) own.Labels = input.labels;

  const body = merge(own, params);
  const reasons = privilegedReasons(body);
  if (!allowPrivileged && (privilegedParams || reasons.length > 0)) {
    const why = [...(privilegedParams ? ['raw params'] : []), ...reasons];
    throw new PlatformError('Forbidden', `this container needs system.docker_privileged: ${why.join('; ')}`, { reasons: why });
  }
  if (privilegedParams) {
    const miscased = miscasedKeys(params);
    if (miscased.length > 0) throw new PlatformError('InvalidInput', `params keys in the wrong letter case: ${miscased.join(', ')}`, { keys: miscased });
    if (body.Image !== image) throw new PlatformError('InvalidInput', 'params.Image may not replace image', { image });
  }
  const violations = publishedPortViolations(body, overlay);
  if (violations.length > 0) {
    throw new PlatformError('InvalidInput', `published ports bind the host's overlay address only: ${violations.join('; ')}`, { violations });
  }
  const published = publishedPorts(body);
  return { ...(input.name !== undefined ? { name: input.name } : {}), image, body, published, privilegedParams };
}
