import { isIP, isIPv6 } from 'node:net';
import { PlatformError, type CertificateProfileName } from '@powernode/contracts';
import type { CertificateNames, ExtendedKeyUsage } from '../adapters/internal-ca-service.js';

/** Facts from platform state that a profile turns into names. Never read from the CSR. */
export interface SubjectFacts {
  instance_id?: string;
  overlay_address?: string;
  host_name?: string;
  operator?: string;
  dns_names?: string[];
  ip_addresses?: string[];
}

export interface ProfileDefinition {
  name: CertificateProfileName;
  extendedKeyUsages: ExtendedKeyUsage[];
  defaultTtlSeconds: number;
  maxTtlSeconds: number;
  names(facts: SubjectFacts): CertificateNames;
}

const HOUR = 3600;
const DAY = 24 * HOUR;
const DNS_NAME = /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/i;

function required<K extends keyof SubjectFacts>(facts: SubjectFacts, key: K, profile: string): NonNullable<SubjectFacts[K]> {
  const value = facts[key];
  if (value === undefined || value === '' || (Array.isArray(value) && value.length === 0)) {
    throw new PlatformError('InvalidInput', `profile ${profile} needs subject.${key}`, { issues: [{ field: `subject.${key}`, message: 'required' }] });
  }
  return value as NonNullable<SubjectFacts[K]>;
}

function checkDns(names: string[], field: string): string[] {
  const bad = names.filter((n) => !DNS_NAME.test(n));
  if (bad.length) throw new PlatformError('InvalidInput', `not DNS names: ${bad.join(', ')}`, { issues: [{ field, message: 'invalid DNS name' }] });
  return names.map((n) => n.toLowerCase());
}

function checkIps(ips: string[], field: string): string[] {
  const bad = ips.filter((ip) => isIP(ip) === 0);
  if (bad.length) throw new PlatformError('InvalidInput', `not IP addresses: ${bad.join(', ')}`, { issues: [{ field, message: 'invalid IP address' }] });
  return ips;
}

/** The CA's profiles: each decides usages, names and lifetimes (DESIGN §4). */
export const PROFILES: Record<CertificateProfileName, ProfileDefinition> = {
  'docker-daemon-server': {
    name: 'docker-daemon-server',
    extendedKeyUsages: ['serverAuth'],
    defaultTtlSeconds: 30 * DAY,
    maxTtlSeconds: 90 * DAY,
    names(facts) {
      const instance = required(facts, 'instance_id', this.name);
      const overlay = required(facts, 'overlay_address', this.name);
      if (!isIPv6(overlay)) throw new PlatformError('InvalidInput', 'subject.overlay_address must be an IPv6 /128', { issues: [{ field: 'subject.overlay_address', message: 'not IPv6' }] });
      return { commonName: `docker-daemon-${instance}`, ipSans: [overlay], dnsSans: checkDns([required(facts, 'host_name', this.name)], 'subject.host_name') };
    },
  },
  'docker-platform-client': {
    name: 'docker-platform-client',
    extendedKeyUsages: ['clientAuth'],
    defaultTtlSeconds: 7 * DAY,
    maxTtlSeconds: 7 * DAY,
    names: () => ({ commonName: 'powernode-platform', dnsSans: [], ipSans: [] }),
  },
  'operator-client': {
    name: 'operator-client',
    extendedKeyUsages: ['clientAuth'],
    // dockerd checks no CRL, so operator certificates must expire soon.
    defaultTtlSeconds: 8 * HOUR,
    maxTtlSeconds: 12 * HOUR,
    names(facts) {
      return { commonName: required(facts, 'operator', this.name), dnsSans: [], ipSans: [] };
    },
  },
  'agent-identity': {
    name: 'agent-identity',
    extendedKeyUsages: ['clientAuth'],
    defaultTtlSeconds: 30 * DAY,
    maxTtlSeconds: 30 * DAY,
    names(facts) {
      return { commonName: required(facts, 'instance_id', this.name), dnsSans: [], ipSans: [] };
    },
  },
  'platform-server': {
    name: 'platform-server',
    extendedKeyUsages: ['serverAuth'],
    defaultTtlSeconds: 90 * DAY,
    maxTtlSeconds: 397 * DAY,
    names(facts) {
      const dns = checkDns(facts.dns_names ?? [], 'subject.dns_names');
      const ips = checkIps(facts.ip_addresses ?? [], 'subject.ip_addresses');
      if (!dns.length && !ips.length) required(facts, 'dns_names', this.name);
      return { commonName: dns[0] ?? 'powernode-platform-server', dnsSans: dns, ipSans: ips };
    },
  },
};

/** Resolves names and lifetime for a request; a TTL beyond the profile's maximum is refused. */
export function resolveProfile(profile: CertificateProfileName, facts: SubjectFacts, ttlSeconds?: number) {
  const definition = PROFILES[profile];
  const ttl = ttlSeconds ?? definition.defaultTtlSeconds;
  if (ttl > definition.maxTtlSeconds) {
    throw new PlatformError('InvalidInput', `ttl ${ttl}s exceeds profile ${profile}'s maximum of ${definition.maxTtlSeconds}s`, {
      issues: [{ field: 'ttl', message: `at most ${definition.maxTtlSeconds}s` }],
    });
  }
  return { names: definition.names(facts), extendedKeyUsages: definition.extendedKeyUsages, ttlSeconds: ttl };
}

/** "8h", "30m", "90s" → seconds. */
export function parseDuration(value: string): number {
  const match = /^(\d+)([smh])$/.exec(value);
  if (!match) throw new PlatformError('InvalidInput', `bad duration ${value}`, { issues: [{ field: 'ttl', message: 'like 8h, 30m' }] });
  return Number(match[1]) * { s: 1, m: 60, h: HOUR }[match[2] as 's' | 'm' | 'h'];
}
