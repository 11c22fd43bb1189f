import { createHash } from 'node:crypto';
import { canonicalJson } from '@powernode/contracts';
import fc from 'fast-check';
import { PROTECTED_DAEMON_KEYS, renderDaemonConfig } from './daemon-config.js';

/**
 * How dockerd's Go encoding/json matches a daemon.json key to a field: Unicode simple case folding, under which
 * `ſ` (U+017F) is an `s` and `K` (Kelvin, U+212A) a `k`. The platform also ignores `-` and `_`.
 */
const goFold = (key: string) => key.toLowerCase().replace(/\u017f/g, 's').replace(/[-_]/g, '');
const PROTECTED = new Set(PROTECTED_DAEMON_KEYS.map(goFold));
const NEVER = new Set(['__proto__', 'constructor', 'prototype']);
const forbidden = (key: string) => PROTECTED.has(goFold(key)) || NEVER.has(key);

/** Any spelling Go would decode as the same field: per-letter case, `-`/`_` swapped or dropped, the Unicode folds. */
const spelling = (key: string) =>
  fc.array(fc.nat({ max: 5 }), { minLength: key.length, maxLength: key.length }).map((choices) =>
    [...key]
      .map((c, i) => {
        const choice = choices[i]!;
        if (c === '-') return ['-', '_', '', '-', '_', ''][choice];
        if (c === 's' && choice === 5) return '\u017f';
        if (c === 'k' && choice === 5) return '\u212a';
        return choice % 2 ? c.toUpperCase() : c;
      })
      .join(''),
  );

const protectedKey = fc.constantFrom(...PROTECTED_DAEMON_KEYS).chain(spelling);
const anyKey = fc.oneof(
  { weight: 3, arbitrary: protectedKey },
  { weight: 2, arbitrary: fc.string({ maxLength: 12 }) },
  { weight: 1, arbitrary: fc.constantFrom('log-level', 'registry-mirrors', 'debug', '__proto__', 'constructor', 'prototype', 'toString', 'hostsx', 'tls-verify') },
);
/** An operator's `daemon` overrides, built as JSON.parse would (own properties, `__proto__` included). */
const overrides = fc.array(fc.tuple(anyKey, fc.jsonValue({ maxDepth: 3 })), { maxLength: 10 }).map((entries) => Object.fromEntries(entries) as Record<string, unknown>);
const overlay = fc.ipV6().filter((ip) => !ip.includes('.'));
const tlsDir = fc.stringMatching(/^\/[a-z0-9/]{1,30}$/);

describe(`${renderDaemonConfig.name} properties`, () => {
  it('whatever the operator overrides, the daemon listens only on the overlay with verified TLS and the platform’s certificates', () => {
    fc.assert(
      fc.property(overlay, tlsDir, overrides, (address, dir, daemon) => {
        const { config } = renderDaemonConfig({ overlay: address, tlsDir: dir, moduleConfig: { daemon } });
        const root = dir.replace(/\/+$/, '');
        expect(config).toMatchObject({
          hosts: [`tcp://[${address}]:2376`],
          tls: true,
          tlsverify: true,
          tlscacert: `${root}/ca.pem`,
          tlscert: `${root}/server-cert.pem`,
          tlskey: `${root}/server-key.pem`,
          ip: address,
          'userland-proxy': true,
          'live-restore': true,
        });
        expect(config.hosts).toEqual([`tcp://[${address}]:2376`]);
        expect(Object.getPrototypeOf(config)).toBe(Object.prototype);
      }),
      { numRuns: 500 },
    );
  });

  it('keeps no other key dockerd would read as a protected one, keeps every other override as it came, and reports exactly the refused ones', () => {
    fc.assert(
      fc.property(overlay, overrides, (address, daemon) => {
        const platform = renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: {} }).config;
        const { config, refused } = renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: { daemon } });
        const platformKeys = new Set(Object.keys(platform));
        for (const key of Object.keys(config).filter((k) => !platformKeys.has(k))) {
          expect(forbidden(key)).toBe(false);
          expect(config[key]).toEqual(daemon[key]);
        }
        const expectedRefused = Object.keys(daemon).filter(forbidden).sort();
        expect(refused).toEqual(expectedRefused);
        expect(Object.keys(config).length).toBe(platformKeys.size + Object.keys(daemon).filter((k) => !forbidden(k) && !platformKeys.has(k)).length);
      }),
      { numRuns: 500 },
    );
  });

  it('hashes the canonical JSON of what it renders, whatever the order of the overrides', () => {
    fc.assert(
      fc.property(overlay, overrides, (address, daemon) => {
        const sut = renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: { daemon } });
        const reversed = Object.fromEntries(Object.entries(daemon).reverse());
        expect(sut.hash).toBe(createHash('sha256').update(canonicalJson(sut.config)).digest('hex'));
        expect(renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: { daemon: reversed } }).hash).toBe(sut.hash);
      }),
      { numRuns: 300 },
    );
  });

  it('ignores a `daemon` that is not an object, and every other module config key', () => {
    fc.assert(
      fc.property(overlay, fc.oneof(fc.jsonValue().filter((v) => v === null || typeof v !== 'object' || Array.isArray(v)), fc.constant(undefined)), overrides, (address, daemon, rest) => {
        const { daemon: _ignored, ...others } = rest;
        const sut = renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: { ...others, daemon } });
        expect(sut.config).toEqual(renderDaemonConfig({ overlay: address, tlsDir: '/etc/pn', moduleConfig: {} }).config);
        expect(sut.refused).toEqual([]);
      }),
      { numRuns: 300 },
    );
  });
});
