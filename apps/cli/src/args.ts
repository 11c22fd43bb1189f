import { parseArgs, type ParseArgsConfig } from 'node:util';
import { usageError } from './errors.js';

export type OptionSpec = NonNullable<ParseArgsConfig['options']>;

/** Options every command takes. */
export const GLOBAL_OPTIONS = {
  json: { type: 'boolean' },
  url: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies OptionSpec;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | boolean[] | undefined>;
  /** Positionals before `--`. */
  positionals: string[];
  /** Everything after `--`, untouched (a container's command). */
  rest: string[];
}

/** util.parseArgs, strict, with the words after `--` kept apart; its errors become one-line usage errors. */
export function parseCommandArgs(argv: string[], options: OptionSpec): ParsedArgs {
  const dashDash = argv.indexOf('--');
  const own = dashDash === -1 ? argv : argv.slice(0, dashDash);
  const rest = dashDash === -1 ? [] : argv.slice(dashDash + 1);
  try {
    const { values, positionals } = parseArgs({ args: own, options: { ...GLOBAL_OPTIONS, ...options }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals, rest };
  } catch (error) {
    throw usageError((error as Error).message.split('\n')[0]!);
  }
}

export interface PortMapping {
  host: number;
  container: number;
  protocol: 'tcp' | 'udp' | 'sctp';
}

/** `-p host:container[/proto]` as docker takes it (the host side always binds the host's overlay /128). */
export function parsePort(spec: string): PortMapping {
  const match = /^(\d{1,5}):(\d{1,5})(?:\/(tcp|udp|sctp))?$/.exec(spec);
  const port = (s: string) => {
    const n = Number(s);
    if (n < 1 || n > 65535) throw usageError(`-p ${spec}: ports are 1-65535`);
    return n;
  };
  if (!match) throw usageError(`-p ${spec}: expected host:container[/tcp|udp|sctp], e.g. 8080:80`);
  return { host: port(match[1]!), container: port(match[2]!), protocol: (match[3] ?? 'tcp') as PortMapping['protocol'] };
}

/** `-e K=V` pairs as an object; `-e K` takes K from the CLI's own environment, as docker does. */
export function parseEnv(specs: string[], env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const spec of specs) {
    const eq = spec.indexOf('=');
    const key = eq === -1 ? spec : spec.slice(0, eq);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) throw usageError(`-e ${spec}: expected KEY=VALUE with KEY a variable name`);
    if (eq !== -1) out[key] = spec.slice(eq + 1);
    else if (env[key] !== undefined) out[key] = env[key]!;
    else throw usageError(`-e ${spec}: ${key} is not set here; give a value as ${key}=VALUE`);
  }
  return out;
}

/** `24h`, `30m`, `90s`, `7d`: passed to the platform as is after a shape check. */
export function checkDuration(flag: string, value: string, units = 'smhd'): string {
  if (!new RegExp(`^\\d+[${units}]$`).test(value)) throw usageError(`--${flag} ${value}: expected a duration like 8h or 30m`);
  return value;
}

export function stringValue(parsed: ParsedArgs, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === 'string' ? v : undefined;
}

export function stringValues(parsed: ParsedArgs, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : [];
}

export function flag(parsed: ParsedArgs, name: string): boolean {
  return parsed.values[name] === true;
}

export function positiveInt(flagName: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw usageError(`--${flagName} ${value}: expected a positive whole number`);
  return Number(value);
}
