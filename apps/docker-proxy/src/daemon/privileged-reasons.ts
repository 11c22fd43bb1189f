// What in a Docker Engine API create body hands a container the host (DESIGN: only system.docker_privileged may).

/** Capabilities that let a process break out of its container or act on the host's kernel, network or files. */
export const DANGEROUS_CAPABILITIES: readonly string[] = [
  'ALL',
  'SYS_ADMIN',
  'NET_ADMIN',
  'SYS_MODULE',
  'SYS_PTRACE',
  'SYS_RAWIO',
  'SYS_BOOT',
  'SYS_TIME',
  'SYSLOG',
  'DAC_READ_SEARCH',
  'MAC_ADMIN',
  'MAC_OVERRIDE',
  'BPF',
  'PERFMON',
  'CHECKPOINT_RESTORE',
  'AUDIT_CONTROL',
  'LINUX_IMMUTABLE',
];

const HOST_NAMESPACE_MODES = ['NetworkMode', 'PidMode', 'IpcMode', 'UTSMode', 'UsernsMode', 'CgroupnsMode'] as const;

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
const capName = (cap: unknown) => String(cap).toUpperCase().replace(/^CAP_/, '');

/** Why `body` gives its container the host's powers; empty when it does not. Port bindings are checked apart (publishedPortViolations). */
export function privilegedReasons(body: Json): string[] {
  const host = isObject(body.HostConfig) ? body.HostConfig : {};
  const reasons: string[] = [];
  if (host.Privileged === true) reasons.push('HostConfig.Privileged');
  for (const mode of HOST_NAMESPACE_MODES) if (host[mode] === 'host') reasons.push(`HostConfig.${mode}=host`);
  for (const bind of asArray(host.Binds)) if (String(bind).startsWith('/')) reasons.push(`HostConfig.Binds ${String(bind).split(':')[0]}`);
  for (const mount of asArray(host.Mounts)) {
    if (!isObject(mount)) continue;
    if (mount.Type === 'bind') reasons.push(`HostConfig.Mounts bind ${String(mount.Source)}`);
    // The local driver with o=bind mounts any host path: a bind mount in disguise.
    const volumeOptions = isObject(mount.VolumeOptions) ? mount.VolumeOptions : {};
    if (mount.Type === 'volume' && isObject(volumeOptions.DriverConfig)) reasons.push(`HostConfig.Mounts volume with DriverConfig ${String(mount.Source)}`);
  }
  if (asArray(host.Devices).length > 0) reasons.push('HostConfig.Devices');
  if (asArray(host.DeviceCgroupRules).length > 0) reasons.push('HostConfig.DeviceCgroupRules');
  if (asArray(host.DeviceRequests).length > 0) reasons.push('HostConfig.DeviceRequests');
  const caps = asArray(host.CapAdd).map(capName).filter((cap) => DANGEROUS_CAPABILITIES.includes(cap));
  if (caps.length > 0) reasons.push(`HostConfig.CapAdd ${caps.join(',')}`);
  for (const opt of asArray(host.SecurityOpt).map(String)) {
    if (/unconfined/i.test(opt) || /^label[=:]disable$/i.test(opt)) reasons.push(`HostConfig.SecurityOpt ${opt}`);
  }
  // Empty lists unmask /proc and /sys paths docker hides by default.
  if (Array.isArray(host.MaskedPaths)) reasons.push('HostConfig.MaskedPaths');
  if (Array.isArray(host.ReadonlyPaths)) reasons.push('HostConfig.ReadonlyPaths');
  if (typeof host.VolumeDriver === 'string' && host.VolumeDriver !== '') reasons.push(`HostConfig.VolumeDriver ${host.VolumeDriver}`);
  if (typeof host.CgroupParent === 'string' && host.CgroupParent !== '') reasons.push('HostConfig.CgroupParent');
  return reasons;
}

/**
 * Why the body's port bindings break the invariant that published ports bind to the host's overlay /128 only
 * (never 0.0.0.0 or ::): this holds for privileged callers too. `HostIp` must be the overlay address exactly as
 * the platform spells it (an equal address spelt otherwise is refused, not normalised).
 */
export function publishedPortViolations(body: Json, overlay: string): string[] {
  const host = isObject(body.HostConfig) ? body.HostConfig : {};
  const violations: string[] = [];
  if (host.PublishAllPorts === true) violations.push('HostConfig.PublishAllPorts publishes on every address');
  const bindings = isObject(host.PortBindings) ? host.PortBindings : {};
  for (const [port, list] of Object.entries(bindings)) {
    for (const binding of asArray(list)) {
      const hostIp = isObject(binding) ? binding.HostIp : undefined;
      if (hostIp !== overlay) violations.push(`${port} binds HostIp ${JSON.stringify(hostIp ?? '')}, not the overlay ${overlay}`);
    }
  }
  return violations;
}

/** The keys those checks read: Go's JSON decoder matches keys case-insensitively, so `privileged` would be `Privileged` to dockerd. */
export const CHECKED_KEYS = {
  top: ['Image', 'HostConfig', 'ExposedPorts'],
  host: ['Privileged', ...HOST_NAMESPACE_MODES, 'Binds', 'Mounts', 'Devices', 'DeviceCgroupRules', 'DeviceRequests', 'CapAdd', 'SecurityOpt', 'MaskedPaths', 'ReadonlyPaths', 'VolumeDriver', 'CgroupParent', 'PublishAllPorts', 'PortBindings'],
  mount: ['Type', 'Source', 'VolumeOptions'],
  volumeOptions: ['DriverConfig'],
  binding: ['HostIp', 'HostPort'],
} as const;

/** Keys of `params` that dockerd would read as a checked key but the checks would miss (other letter case). */
export function miscasedKeys(params: Json): string[] {
  const found: string[] = [];
  const scan = (object: unknown, known: readonly string[], path: string) => {
    if (!isObject(object)) return;
    for (const key of Object.keys(object)) {
      const canonical = known.find((name) => name.toLowerCase() === key.toLowerCase());
      if (canonical !== undefined && canonical !== key) found.push(`${path}${key} (write ${canonical})`);
    }
  };
  scan(params, CHECKED_KEYS.top, '');
  const host = params.HostConfig;
  scan(host, CHECKED_KEYS.host, 'HostConfig.');
  if (isObject(host)) {
    for (const mount of asArray(host.Mounts)) {
      scan(mount, CHECKED_KEYS.mount, 'HostConfig.Mounts[].');
      if (isObject(mount)) scan(mount.VolumeOptions, CHECKED_KEYS.volumeOptions, 'HostConfig.Mounts[].VolumeOptions.');
    }
    if (isObject(host.PortBindings)) for (const list of Object.values(host.PortBindings)) for (const binding of asArray(list)) scan(binding, CHECKED_KEYS.binding, 'HostConfig.PortBindings[].');
  }
  return found;
}
