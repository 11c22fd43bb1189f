import type { dockerActions } from '@powernode/contracts';
import type { z } from 'zod';
import { humanDuration } from './human-duration.js';

export type ContainerSummary = z.output<typeof dockerActions.containerSummary>;
export type ContainerDetail = z.output<typeof dockerActions.containerDetail>;
type ContainerPort = z.output<typeof dockerActions.containerPort>;

/** The fields of a `GET /containers/json` item we read (dockerode's ContainerInfo). */
export interface ListedContainer {
  Id: string;
  Names?: string[];
  Image: string;
  ImageID?: string;
  Created: number;
  Ports?: Array<{ IP?: string; PrivatePort: number; PublicPort?: number; Type: string }>;
  Labels?: Record<string, string> | null;
  State: string;
  Status: string;
}

/** The fields of `GET /containers/{id}/json` we read (dockerode's ContainerInspectInfo). */
export interface InspectedContainer {
  Id: string;
  Name: string;
  Created: string;
  Image: string;
  State: { Status: string; Running: boolean; Paused: boolean; Restarting: boolean; Dead: boolean; ExitCode: number; StartedAt: string; FinishedAt: string; Health?: { Status: string } };
  Config: { Image: string; Cmd?: string[] | null; Env?: string[] | null; Labels?: Record<string, string> | null };
  HostConfig: { RestartPolicy?: { Name?: string }; PortBindings?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
  NetworkSettings: { Ports?: Record<string, Array<{ HostIp: string; HostPort: string }> | null> | null };
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const isSet = (time: string | undefined): time is string => time !== undefined && time !== '' && time !== ZERO_TIME;
const unslash = (name: string) => name.replace(/^\//, '');

/** A `docker ps` row as the contract's summary: docker's own status words, names without the leading `/`. */
export function summaryOfListed(item: ListedContainer): ContainerSummary {
  const ports: ContainerPort[] = (item.Ports ?? []).map((port) => ({
    ...(port.IP ? { host_ip: port.IP } : {}),
    ...(port.PublicPort ? { host: port.PublicPort } : {}),
    container: port.PrivatePort,
    protocol: port.Type,
  }));
  return {
    id: item.Id,
    name: unslash(item.Names?.[0] ?? item.Id.slice(0, 12)),
    image: item.Image,
    ...(item.ImageID ? { image_id: item.ImageID } : {}),
    state: item.State,
    status: item.Status,
    created: new Date(item.Created * 1000).toISOString(),
    ports,
    labels: item.Labels ?? {},
  };
}

/** The status line `docker ps` would show for an inspected container (moby's State.String()), at `now`. */
export function statusOf(state: InspectedContainer['State'], now: number): string {
  const since = (time: string) => humanDuration(now - Date.parse(time));
  if (state.Running) {
    if (state.Paused) return `Up ${since(state.StartedAt)} (Paused)`;
    if (state.Restarting) return `Restarting (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
    const health = state.Health?.Status;
    return health && health !== 'none' ? `Up ${since(state.StartedAt)} (${health})` : `Up ${since(state.StartedAt)}`;
  }
  if (state.Status === 'removing') return 'Removal In Progress';
  if (state.Dead) return 'Dead';
  if (!isSet(state.StartedAt)) return 'Created';
  if (!isSet(state.FinishedAt)) return '';
  return `Exited (${state.ExitCode}) ${since(state.FinishedAt)} ago`;
}

/** An inspected container as the contract's detail: env names only (values can be secrets). */
export function detailOfInspected(info: InspectedContainer, now: number): ContainerDetail {
  const ports: ContainerPort[] = [];
  for (const [key, bindings] of Object.entries(info.NetworkSettings.Ports ?? {})) {
    const [container, protocol = 'tcp'] = key.split('/');
    if (!bindings || bindings.length === 0) ports.push({ container: Number(container), protocol });
    for (const binding of bindings ?? []) ports.push({ host_ip: binding.HostIp, host: Number(binding.HostPort), container: Number(container), protocol });
  }
  const exited = !info.State.Running && isSet(info.State.FinishedAt);
  return {
    id: info.Id,
    name: unslash(info.Name),
    image: info.Config.Image,
    image_id: info.Image,
    state: info.State.Status,
    status: statusOf(info.State, now),
    created: new Date(info.Created).toISOString(),
    ports,
    labels: info.Config.Labels ?? {},
    cmd: info.Config.Cmd ?? [],
    restart_policy: info.HostConfig.RestartPolicy?.Name || 'no',
    ...(isSet(info.State.StartedAt) ? { started_at: new Date(info.State.StartedAt).toISOString() } : {}),
    ...(isSet(info.State.FinishedAt) ? { finished_at: new Date(info.State.FinishedAt).toISOString() } : {}),
    ...(exited ? { exit_code: info.State.ExitCode } : {}),
    env_keys: (info.Config.Env ?? []).map((entry) => entry.split('=')[0]!),
  };
}
