// Issue 8, item 3 end to end: the powernode CLI against the whole local platform (real agents, WireGuard, dockerd,
// the platform CA and image registry), driven through its `main(argv, io)` with its own HOME; then the real Docker
// CLI with what `powernode docker env` exported. Needs root (namespaces, WireGuard): without it, it fails.
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { eventually } from '@powernode/testing';
// eslint-disable-next-line @nx/enforce-module-boundaries -- the in-process platform lives in bench/support (no project), as for tests/e2e
import { startLocalPlatform, type LocalPlatform } from '../../../bench/support/local-platform.js';
// eslint-disable-next-line @nx/enforce-module-boundaries -- as above
import { provisionTwoNetworkFleet } from '../../../bench/support/two-network-fleet.js';
import type { CliIo } from './io.js';
import { main } from './main.js';

const execFileAsync = promisify(execFile);
const DOCKER = ['/usr/bin/docker', '/usr/local/bin/docker'].find((path) => existsSync(path));
const modeOf = async (path: string) => (await stat(path)).mode & 0o777;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

describe('powernode CLI against the local platform', () => {
  let local: LocalPlatform;
  let home: string;
  let cwd: string;
  let image: string;
  let a1Instance: string;
  let a1Host: string;
  let networkA: string;

  /** One CLI run in this process with captured streams, an isolated HOME and no POWERNODE_* from the test's env. */
  const cli = async (
    argv: string[],
    options: { env?: Record<string, string>; signal?: AbortSignal; onOut?: (all: string) => void; onErr?: (all: string) => void } = {},
  ): Promise<Run> => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: {
        write: (s: string) => {
          stdout += s;
          options.onOut?.(stdout);
          return true;
        },
        isTTY: false,
      },
      stderr: {
        write: (s: string) => {
          stderr += s;
          options.onErr?.(stderr);
          return true;
        },
        isTTY: false,
      },
      env: { ...options.env },
      home,
      cwd,
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const code = await main(argv, io);
    return { code, stdout, stderr };
  };
  const ok = async (argv: string[], options?: Parameters<typeof cli>[1]): Promise<Run> => {
    const run = await cli(argv, options);
    if (run.code !== 0) throw new Error(`powernode ${argv.join(' ')} exited ${run.code}: ${run.stderr}`);
    return run;
  };

  beforeAll(async () => {
    home = await mkdtemp(join(tmpdir(), 'powernode-cli-home-'));
    cwd = await mkdtemp(join(tmpdir(), 'powernode-cli-cwd-'));
    local = await startLocalPlatform({ gateway: true, registry: true });
    image = local.registry!.images[0]!;
    let dockerTemplate: string;
    let ids: Map<string, string>;
    ({ ids, networkA, dockerTemplate } = await provisionTwoNetworkFleet(local));
    a1Instance = ids.get('a1')!;
    await local.tool('system_assign_module_to_template', { template_id: dockerTemplate, module_name: 'docker-engine' });
    await eventually(
      async () => {
        const { hosts } = await local.tool('docker_list_hosts', {});
        expect(hosts.find((h: { node_instance_id: string }) => h.node_instance_id === a1Instance)).toMatchObject({ status: 'connected' });
      },
      { timeoutMs: 150_000, intervalMs: 500 },
    );
  }, 240_000);

  afterAll(async () => {
    await local?.destroy();
    for (const dir of [home, cwd]) if (dir) await rm(dir, { recursive: true, force: true });
  }, 120_000);

  it('login verifies the token and stores url and token 0600 in a 0700 ~/.powernode', async () => {
    // Without a token anywhere it says so, before calling anything.
    expect(await cli(['hosts'])).toMatchObject({ code: 1, stderr: expect.stringMatching(/^powernode: NotLoggedIn: /) });
    // A wrong token is refused by the platform, with its code; nothing is stored.
    const refused = await cli(['login', '--url', local.gateway!.httpUrl, '--token', 'not-a-token']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/^powernode: Unauthenticated: /);
    expect(existsSync(join(home, '.powernode', 'config.json'))).toBe(false);

    // The default token file: .powernode/operator-token in the working directory, as `npm start` leaves it.
    await mkdir(join(cwd, '.powernode'));
    await copyFile(local.gateway!.tokenPath, join(cwd, '.powernode', 'operator-token'));
    const { stdout } = await ok(['login', '--url', local.gateway!.httpUrl]);
    expect(stdout).toContain(`Logged in to ${local.gateway!.httpUrl} as admin`);
    const config = join(home, '.powernode', 'config.json');
    expect(JSON.parse(await readFile(config, 'utf8'))).toEqual({ url: local.gateway!.httpUrl, token: local.gateway!.adminToken });
    expect(await modeOf(config)).toBe(0o600);
    expect(await modeOf(join(home, '.powernode'))).toBe(0o700);

    // --token-file works too, and rewrites the same config.
    await ok(['login', '--url', local.gateway!.httpUrl, '--token-file', local.gateway!.tokenPath]);
    expect(await modeOf(config)).toBe(0o600);
  });

  it('status and hosts: the registry images and a1 connected', async () => {
    const status = JSON.parse((await ok(['status', '--json'])).stdout);
    expect(status.registry).toMatchObject({ ready: true });
    expect(status.registry.images).toContain(image);
    expect((await ok(['status'])).stdout).toContain(image);

    const { hosts } = JSON.parse((await ok(['hosts', '--json'])).stdout);
    const a1 = hosts.find((h: { node_instance_id: string }) => h.node_instance_id === a1Instance);
    expect(a1).toMatchObject({ status: 'connected', id: expect.stringMatching(/^host-/) });
    a1Host = a1.id;
    const table = (await ok(['hosts'])).stdout.split('\n');
    expect(table[0]).toMatch(/^HOST ID\s+INSTANCE\s+STATUS/);
    expect(table.find((line) => line.startsWith(a1Host))).toMatch(new RegExp(`^${a1Host}\\s+${a1Instance}\\s+connected\\s`));
  });

  it('pull, run -p 8080:80 -d --name web, then containers shows it Up', async () => {
    const pulled = await ok(['pull', image, '--host', a1Host]);
    expect(pulled.stdout).toMatch(new RegExp(`^${image.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} sha256:[0-9a-f]{64} \\(`));

    const created = await ok(['run', image, '-p', '8080:80', '-d', '--name', 'web', '--host', a1Host, '--json']);
    const { container } = JSON.parse(created.stdout);
    expect(container).toMatchObject({ name: 'web', state: 'running', image });
    expect(container.ports).toEqual([expect.objectContaining({ host: 8080, container: 80, protocol: 'tcp' })]);

    const listed = (await ok(['containers', '--host', a1Host])).stdout.split('\n');
    expect(listed[0]).toMatch(/^CONTAINER ID\s+NAME\s+IMAGE\s+STATUS\s+PORTS$/);
    expect(listed.find((line) => line.startsWith(container.id.slice(0, 12)))).toMatch(/\sweb\s.*\sUp .*:8080->80\/tcp$/);
  }, 120_000);

  it('events lists what the CLI did, with the operator as actor', async () => {
    await eventually(async () => {
      const { events } = JSON.parse((await ok(['events', '--kind', 'system.docker.container', '--limit', '20', '--json'])).stdout);
      const mine = events.filter((e: { aggregate_id: string }) => e.aggregate_id === a1Host);
      expect(mine.map((e: { kind: string }) => e.kind)).toEqual(expect.arrayContaining(['system.docker.container.created', 'system.docker.container.started']));
      for (const e of mine) expect(e.actor).toBe('operator:admin');
    });
  });

  it('cert export writes CA, certificate and key with their modes', async () => {
    const dir = join(home, 'certs');
    const { stdout } = await ok(['cert', 'export', '--ttl', '1h', '--dir', dir]);
    expect(stdout).toContain(join(dir, 'operator-key.pem'));
    expect(await modeOf(dir)).toBe(0o700);
    expect(await modeOf(join(dir, 'operator-key.pem'))).toBe(0o600);
    expect(await modeOf(join(dir, 'operator-cert.pem'))).toBe(0o644);
    expect(await readFile(join(dir, 'operator-key.pem'), 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
    // The leaf and its intermediate: dockerd trusts only the root, so the client presents the intermediate.
    expect((await readFile(join(dir, 'operator-cert.pem'), 'utf8')).match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    expect(await readFile(join(dir, 'operator-ca.pem'), 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
  });

  it('docker env: the real Docker CLI reaches the host over the overlay with the exported certificate', async () => {
    expect(DOCKER).toBeDefined();
    const { stdout } = await ok(['docker', 'env', a1Host]);
    const exports = Object.fromEntries([...stdout.matchAll(/^export (\w+)="([^"]*)"$/gm)].map((m) => [m[1]!, m[2]!]));
    const certPath = join(home, '.powernode', 'docker', a1Host);
    expect(exports).toEqual({ DOCKER_HOST: expect.stringMatching(/^tcp:\/\/\[[0-9a-f:]+\]:2376$/), DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: certPath });
    expect(stdout).toContain(`# eval $(powernode docker env ${a1Host})`);
    expect(await modeOf(join(certPath, 'key.pem'))).toBe(0o600);
    expect(await modeOf(certPath)).toBe(0o700);

    const { stdout: ps } = await execFileAsync(DOCKER!, ['ps', '--format', '{{.Names}} {{.Status}}'], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, ...exports },
      timeout: 30_000,
    });
    expect(ps.split('\n')).toContainEqual(expect.stringMatching(/^web Up /));
  }, 60_000);

  it('rm web --force, seen live by events --follow until it is interrupted', async () => {
    const interrupt = new AbortController();
    let sawDeleted!: () => void;
    let watching!: () => void;
    const deleted = new Promise<void>((resolve) => (sawDeleted = resolve));
    const open = new Promise<void>((resolve) => (watching = resolve));
    const following = cli(['events', '--follow', '--kind', 'system.docker.container.deleted', '--limit', '1', '--json'], {
      signal: interrupt.signal,
      onOut: (all) => {
        if (all.split('\n').some((line) => line.includes(a1Host) && line.includes('"system.docker.container.deleted"'))) sawDeleted();
      },
      onErr: (all) => {
        if (all.includes('watching system.docker.container.deleted events')) watching();
      },
    });
    await Promise.race([open, following.then((run) => Promise.reject(new Error(`events --follow ended early: ${run.stderr}`)))]);
    const removed = await ok(['rm', 'web', '--force', '--host', a1Host]);
    expect(removed.stdout.trim()).toMatch(/^[0-9a-f]{12,64}$|^web$/);
    await deleted;
    interrupt.abort();
    expect((await following).code).toBe(0);
    const after = (await ok(['containers', '--host', a1Host])).stdout;
    expect(after).not.toMatch(/\sweb\s/);
  }, 60_000);

  it("fails with a non-zero exit and the platform's error code on stderr", async () => {
    const unknownHost = await cli(['containers', '--host', 'host-00000000-0000-4000-8000-000000000000']);
    expect(unknownHost).toMatchObject({ code: 1, stdout: '' });
    expect(unknownHost.stderr).toMatch(/^powernode: NotFound: .+\n$/);

    const badHost = await cli(['docker', 'env', 'not-a-host']);
    expect(badHost.code).toBe(1);
    expect(badHost.stderr).toMatch(/^powernode: InvalidInput: .*host_id/);

    const missingImage = await cli(['pull', `${local.registry!.address}/powernode/nothing-here:1`, '--host', a1Host]);
    expect(missingImage.code).toBe(1);
    expect(missingImage.stderr).toMatch(/^powernode: NotFound: /);

    const badToken = await cli(['hosts'], { env: { POWERNODE_TOKEN: 'wrong' } });
    expect(badToken).toMatchObject({ code: 1, stderr: expect.stringMatching(/^powernode: Unauthenticated: /) });

    expect(await cli(['frobnicate'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^powernode: Usage: unknown command "frobnicate"/) });
    expect(await cli(['run', image, '-p', '80'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/^powernode: Usage: -p 80: /) });
  }, 60_000);

  it('sdwan grant prints only the wg-quick config on stdout, the notes on stderr', async () => {
    const { stdout, stderr } = await ok(['sdwan', 'grant', '--network', networkA, '--name', 'laptop', '--ttl', '1h']);
    // Nothing but wg-quick syntax on stdout: comments, blank lines, [Section] headers and Key = Value.
    for (const line of stdout.split('\n')) expect(line).toMatch(/^(#.*|\[(Interface|Peer)\]|\w+ = \S.*|)$/);
    expect(stdout).toMatch(/^\[Interface\]\nAddress = [0-9a-f:]+\/128\nPrivateKey = \S+$/m);
    expect(stdout).toMatch(/^\[Peer\]$/m);
    expect(stderr).toMatch(/^access grant \S+: device \S*laptop\S* at [0-9a-f:]+ until /);
  });
});
