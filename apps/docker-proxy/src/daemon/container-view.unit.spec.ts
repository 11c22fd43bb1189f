import { dockerActions } from '@powernode/contracts';
import { detailOfInspected, statusOf, summaryOfListed, type InspectedContainer } from './container-view.js';
import { humanDuration } from './human-duration.js';
import { unpublishedPorts } from './unpublished-ports.js';

const NOW = Date.parse('2026-03-01T12:00:00Z');
const ago = (ms: number) => new Date(NOW - ms).toISOString();
const ZERO = '0001-01-01T00:00:00Z';

const inspected = (overrides: Partial<InspectedContainer> = {}, state: Partial<InspectedContainer['State']> = {}): InspectedContainer => ({
  Id: 'c'.repeat(64),
  Name: '/web',
  Created: '2026-03-01T11:00:00.123456789Z',
  Image: `sha256:${'d'.repeat(64)}`,
  State: { Status: 'running', Running: true, Paused: false, Restarting: false, Dead: false, ExitCode: 0, StartedAt: ago(30_000), FinishedAt: ZERO, ...state },
  Config: { Image: 'nginx:1.27', Cmd: ['nginx', '-g', 'daemon off;'], Env: ['PASSWORD=hunter2', 'PATH=/usr/bin'], Labels: { team: 'a' } },
  HostConfig: { RestartPolicy: { Name: '' }, PortBindings: { '80/tcp': [{ HostIp: 'fd00::2', HostPort: '8080' }] } },
  NetworkSettings: { Ports: { '80/tcp': [{ HostIp: 'fd00::2', HostPort: '8080' }], '443/tcp': null } },
  ...overrides,
});

describe(summaryOfListed.name, () => {
  it('maps a docker ps row: name without slash, created ISO, docker’s status words, ports', () => {
    const sut = summaryOfListed({
      Id: 'a'.repeat(64),
      Names: ['/web'],
      Image: 'nginx:1.27',
      ImageID: `sha256:${'b'.repeat(64)}`,
      Created: 1_772_366_400,
      Ports: [{ IP: 'fd00::2', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' }, { PrivatePort: 443, Type: 'tcp' }],
      Labels: null,
      State: 'running',
      Status: 'Up 30 seconds',
    });
    expect(sut).toEqual({
      id: 'a'.repeat(64),
      name: 'web',
      image: 'nginx:1.27',
      image_id: `sha256:${'b'.repeat(64)}`,
      state: 'running',
      status: 'Up 30 seconds',
      created: '2026-03-01T12:00:00.000Z',
      ports: [{ host_ip: 'fd00::2', host: 8080, container: 80, protocol: 'tcp' }, { container: 443, protocol: 'tcp' }],
      labels: {},
    });
    expect(dockerActions.containerSummary.parse(sut)).toEqual(sut);
  });
});

describe(detailOfInspected.name, () => {
  it('maps an inspected running container, env names only', () => {
    const sut = detailOfInspected(inspected(), NOW);
    expect(sut).toEqual({
      id: 'c'.repeat(64),
      name: 'web',
      image: 'nginx:1.27',
      image_id: `sha256:${'d'.repeat(64)}`,
      state: 'running',
      status: 'Up 30 seconds',
      created: '2026-03-01T11:00:00.123Z',
      ports: [{ host_ip: 'fd00::2', host: 8080, container: 80, protocol: 'tcp' }, { container: 443, protocol: 'tcp' }],
      labels: { team: 'a' },
      cmd: ['nginx', '-g', 'daemon off;'],
      restart_policy: 'no',
      started_at: ago(30_000),
      env_keys: ['PASSWORD', 'PATH'],
    });
    expect(JSON.stringify(sut)).not.toContain('hunter2');
    expect(dockerActions.containerDetail.parse(sut)).toEqual(sut);
  });

  it('gives an exited container its exit code and end time', () => {
    const sut = detailOfInspected(inspected({ HostConfig: { RestartPolicy: { Name: 'always' } } }, { Status: 'exited', Running: false, ExitCode: 137, FinishedAt: ago(120_000) }), NOW);
    expect(sut).toMatchObject({ state: 'exited', status: 'Exited (137) 2 minutes ago', exit_code: 137, finished_at: ago(120_000), restart_policy: 'always' });
  });

  it('leaves times and exit code out of a container never started', () => {
    const sut = detailOfInspected(inspected({}, { Status: 'created', Running: false, StartedAt: ZERO }), NOW);
    expect(sut.status).toBe('Created');
    expect(sut).not.toHaveProperty('started_at');
    expect(sut).not.toHaveProperty('exit_code');
  });
});

describe(statusOf.name, () => {
  const base = inspected().State;
  it.each([
    ['running', {}, 'Up 30 seconds'],
    ['paused', { Paused: true }, 'Up 30 seconds (Paused)'],
    ['healthy', { Health: { Status: 'healthy' } }, 'Up 30 seconds (healthy)'],
    ['restarting', { Restarting: true, ExitCode: 1, FinishedAt: ago(5_000) }, 'Restarting (1) 5 seconds ago'],
    ['exited', { Running: false, ExitCode: 0, FinishedAt: ago(3 * 3_600_000) }, 'Exited (0) 3 hours ago'],
    ['dead', { Running: false, Dead: true }, 'Dead'],
    ['created', { Running: false, StartedAt: ZERO }, 'Created'],
  ])('%s → %s', (_, state, expected) => {
    expect(statusOf({ ...base, ...state }, NOW)).toBe(expected);
  });
});

describe(humanDuration.name, () => {
  it.each([
    [500, 'Less than a second'],
    [1_000, '1 second'],
    [59_000, '59 seconds'],
    [60_000, 'About a minute'],
    [119_000, 'About a minute'],
    [45 * 60_000, '45 minutes'],
    [80 * 60_000, 'About an hour'],
    [30 * 3_600_000, '30 hours'],
    [5 * 86_400_000, '5 days'],
    [21 * 86_400_000, '3 weeks'],
    [90 * 86_400_000, '3 months'],
    [3 * 365 * 86_400_000, '3 years'],
  ])('%d ms → %s', (ms, expected) => {
    expect(humanDuration(ms)).toBe(expected);
  });
});

describe(unpublishedPorts.name, () => {
  it('names the bindings dockerd asked for but did not set up', () => {
    expect(unpublishedPorts(inspected())).toEqual([]);
    expect(unpublishedPorts(inspected({ NetworkSettings: { Ports: { '80/tcp': null } } }))).toEqual(['[fd00::2]:8080->80/tcp']);
  });
});
