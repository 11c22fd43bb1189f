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
import { PLATFORM_ENV, SERVICES, defaultFor } from './services.mjs';

interface ComposeService {
  image?: string;
  command?: string[] | string;
  build?: { context?: string; dockerfile?: string; args?: Record<string, string> };
  environment?: Record<string, string | number | null>;
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
