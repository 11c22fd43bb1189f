// docker-compose.yml, scripts/services.mjs (what `npm start` runs) and the services' own config schemas
// must name the same services, entries and environment variables.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { caEnv } from '../apps/ca/src/config.js';
import { catalogEnv } from '../apps/catalog/src/config.js';
import { dockerProxyEnv } from '../apps/docker-proxy/src/config.js';
import { gatewayEnv } from '../apps/gateway/src/config.js';
import { handshakeEnv } from '../apps/handshake/src/config.js';
import { z } from 'zod';
import { DEFAULT_STATE_DIR } from '../apps/agent/src/cli-args.js';
import { hubEnv } from '../apps/agent/src/hub/hub-config.js';
import { sdwanEnv } from '../apps/sdwan/src/config.js';
import { PLATFORM_ENV, SERVICES, defaultFor, parseReplicas, replicasVariable } from './services.mjs';

interface ComposeService {
  image?: string;
  command?: string[] | string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | null>;
  container_name?: string;
  deploy?: { replicas?: string | number };
  ports?: Array<string | { published?: string | number }>;
}

const compose = parse(readFileSync(new URL('../docker-compose.yml', import.meta.url), 'utf8'), { merge: true }) as {
  services: Record<string, ComposeService>;
};

/** `${VAR:-fallback}` → fallback; literal values unchanged. */
function composeValue(raw: string | number | null | undefined): string | undefined {
  if (raw === null || raw === undefined) return undefined;
  const text = String(raw);
  const interpolated = /^\$\{[A-Z0-9_]+:?-(.*)\}$/.exec(text);
  return interpolated ? interpolated[1] : text;
}

/** The env schema each service validates at boot: the code's view of what it reads. */
const CONFIG_SCHEMAS: Record<string, { shape: Record<string, unknown> }> = {
  gateway: gatewayEnv,
  ca: caEnv,
  catalog: catalogEnv,
  handshake: handshakeEnv,
  sdwan: sdwanEnv,
  'docker-proxy': dockerProxyEnv,
  // The hub is powernode-agent --role platform: its environment schema plus the two fallbacks its command line reads.
  hub: { shape: { ...hubEnv.shape, POWERNODE_HUB_ENDPOINT: z.string().optional(), POWERNODE_AGENT_STATE_DIR: z.string().default(DEFAULT_STATE_DIR) } },
};

describe('docker-compose.yml', () => {
  it('runs NATS with JetStream', () => {
    const nats = compose.services.nats;
    expect(nats?.image).toMatch(/^nats:/);
    const command = Array.isArray(nats?.command) ? nats.command : String(nats?.command ?? '').split(/\s+/);
    expect(command).toContain('-js');
  });

  it('runs PostgreSQL', () => {
    expect(compose.services.postgres?.image).toMatch(/^postgres:/);
  });

  describe.each(SERVICES.map((s) => [s.name, s] as const))('service %s', (name, service) => {
    const sut = compose.services[name];

    it('has a container built from the repo Dockerfile with the same entry', () => {
      expect(sut).toBeDefined();
      expect(sut.build?.context).toBe('.');
      expect(sut.build?.args?.SERVICE_ENTRY).toBe(service.entry);
      expect(sut.environment?.SERVICE_ENTRY).toBe(service.entry);
    });

    it('passes the same arguments after the entry', () => {
      const command = Array.isArray(sut.command) ? sut.command.join(' ') : String(sut.command ?? '');
      expect(command.includes(['"$SERVICE_ENTRY"', ...(service.args ?? [])].join(' ')) || (service.args ?? []).length === 0).toBe(true);
    });

    it('sets every variable the service reads', () => {
      const missing = service.env.filter((v) => !(v in (sut.environment ?? {})));
      expect(missing).toEqual([]);
    });

    it('sets no variable the service does not read', () => {
      const unknown = Object.keys(sut.environment ?? {}).filter((v) => v !== 'SERVICE_ENTRY' && !service.env.includes(v));
      expect(unknown).toEqual([]);
    });

    it(service.singleton ? 'is not scalable (one per machine)' : 'scales with <NAME>_REPLICAS, default 1, under compose-chosen names', () => {
      expect(sut.container_name).toBeUndefined();
      if (service.singleton) expect(sut.deploy?.replicas).toBeUndefined();
      else expect(sut.deploy?.replicas).toBe(`\${${replicasVariable(service)}:-1}`);
    });

    it('publishes no fixed host port a second replica would clash on', () => {
      // Scalable services take each host port from a *_PUBLISH variable (a range when scaled); the singleton may fix its own.
      const fixed = (sut.ports ?? []).map((p) => (typeof p === 'string' ? p : String(p.published ?? ''))).filter((p) => p.includes(':') && !p.startsWith('${'));
      expect(service.singleton ? [] : fixed).toEqual([]);
    });

    it('uses the shared defaults for everything that is not an address or path', () => {
      const differing = service.env
        .filter((v) => !PLATFORM_ENV[v]?.perDeployment)
        .filter((v) => composeValue(sut.environment?.[v]) !== defaultFor(service, v))
        .map((v) => `${v}=${composeValue(sut.environment?.[v])} (default ${defaultFor(service, v)})`);
      expect(differing).toEqual([]);
    });
  });
});

describe('scripts/services.mjs', () => {
  it('describes every variable a service reads', () => {
    const undocumented = SERVICES.flatMap((s) => s.env).filter((v) => !(v in PLATFORM_ENV));
    expect(undocumented).toEqual([]);
  });

  it.each(Object.keys(CONFIG_SCHEMAS))('lists exactly the variables %s validates at boot', (name) => {
    const service = SERVICES.find((s) => s.name === name);
    expect(service).toBeDefined();
    expect([...(service?.env ?? [])].sort()).toEqual(Object.keys(CONFIG_SCHEMAS[name].shape).sort());
  });

  it('reads replica counts: all=N for every scalable service, names override, later specs win', () => {
    expect(parseReplicas([undefined])).toEqual(Object.fromEntries(SERVICES.map((s) => [s.name, 1])));
    const counts = parseReplicas(['all=2, catalog=1', 'handshake=3']);
    expect(counts).toMatchObject({ gateway: 2, ca: 2, catalog: 1, handshake: 3, sdwan: 2, 'docker-proxy': 2, hub: 1 });
    expect(parseReplicas(['gateway=2', 'all=3']).gateway).toBe(3);
    expect(parseReplicas(['hub=1']).hub).toBe(1);
  });

  it.each([
    ['nope=2', /unknown service "nope"/],
    ['gateway=0', /positive integer/],
    ['gateway=-1', /positive integer/],
    ['gateway=1.5', /positive integer/],
    ['gateway', /not name=N/],
    ['all=2,hub=2', /hub runs once per machine/],
  ])('refuses the replica counts %s', (spec, message) => {
    expect(() => parseReplicas([spec])).toThrow(message);
  });

  it('has a config schema for every service', () => {
    expect(SERVICES.map((s) => s.name).filter((n) => !(n in CONFIG_SCHEMAS))).toEqual([]);
  });

  it('matches the defaults in the config schemas', () => {
    const mismatches: string[] = [];
    for (const [name, schema] of Object.entries(CONFIG_SCHEMAS)) {
      const service = SERVICES.find((s) => s.name === name)!;
      for (const [variable, field] of Object.entries(schema.shape)) {
        const parsed = (field as { safeParse(v: unknown): { success: boolean; data?: unknown } }).safeParse(undefined);
        const codeDefault = parsed.success && parsed.data !== undefined ? String(parsed.data) : undefined;
        if (codeDefault !== defaultFor(service, variable)) {
          mismatches.push(`${name}.${variable}: code ${codeDefault}, services.mjs ${defaultFor(service, variable)}`);
        }
      }
    }
    expect(mismatches).toEqual([]);
  });
});
