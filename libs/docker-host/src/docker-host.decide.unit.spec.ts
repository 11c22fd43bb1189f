import { dockerHostIdOf } from '@powernode/contracts';
import type { NewEvent } from '@powernode/eventstore';
import { givenFor, testEnvelope } from '@powernode/testing';
import type { AssignedDockerModule, DockerHostCommand } from './docker-host.commands.js';
import { dockerHostDecider } from './docker-host.decider.js';
import { evolveDockerHost, initialDockerHostState } from './docker-host.evolve.js';

const instance = 'inst-0000000a';
const host = dockerHostIdOf(instance);
const ids = { host_id: host, instance_id: instance };
const given = givenFor(dockerHostDecider(instance), host);
const key = 'a'.repeat(64);
const otherKey = 'b'.repeat(64);
const overlay = 'fd00:1:2:3::a';
const endpoint = `tcp://[${overlay}]:2376`;
const module = { moduleId: 'mod-docker', moduleName: 'docker-engine', moduleVersion: '1.0.0', templateId: 'tpl-1' };

const assigned: NewEvent = {
  kind: 'system.docker.module.assigned',
  data: { ...ids, module_id: 'mod-docker', module_name: 'docker-engine', module_version: '1.0.0', via: 'template', template_id: 'tpl-1' },
};
const installing: NewEvent = { kind: 'system.docker.runtime.installing', data: ids };
const wantsCert = (k = key, o = overlay): NewEvent => ({
  kind: 'system.docker.handshake.wants_cert',
  data: { ...ids, overlay_address: o, api_endpoint: `tcp://[${o}]:2376`, public_key_sha256: k },
});
const certSigned = (serial = '01', k = key): NewEvent => ({
  kind: 'system.docker.handshake.cert_signed',
  data: { host_id: host, serial, not_after: '2026-02-01T00:00:00.000Z', public_key_sha256: k },
});
const wantsConfig = (hash = 'c'.repeat(64)): NewEvent => ({ kind: 'system.docker.handshake.wants_config', data: { host_id: host, config_hash: hash } });
const ready = (version = '25.0.3'): NewEvent => ({ kind: 'system.docker.handshake.ready', data: { host_id: host, version } });
const provisioned = (version = '25.0.3'): NewEvent => ({ kind: 'system.docker.provisioned', data: { ...ids, api_endpoint: endpoint, version } });
const configured = [assigned, installing, wantsCert(), certSigned(), wantsConfig()];
const connected = [...configured, ready(), provisioned()];

const assign = (via: 'template' | 'instance' = 'template', m: AssignedDockerModule = module): DockerHostCommand => ({ type: 'AssignModule', data: { via, module: m } });
const wantCert = (k = key, o = overlay): DockerHostCommand => ({ type: 'WantCert', data: { overlay: o, apiEndpoint: `tcp://[${o}]:2376`, publicKeySha256: k } });
const readyCommand = (version = '25.0.3'): DockerHostCommand => ({ type: 'RecordReady', data: { version } });
const caDown: DockerHostCommand = { type: 'ReportFailed', data: { phase: 'wants_cert', code: 'CaUnavailable', reason: 'service ca is not running', retrying: true } };

describe('DockerHost decider', () => {
  it('records an assignment once per path and module', () => {
    expect(given([]).when(assign())()).toEqual([assigned]);
    expect(given([assigned]).when(assign())()).toEqual([]);
    const { templateId: _template, ...directModule } = module;
    const direct = given([assigned]).when(assign('instance', directModule))();
    expect(direct).toEqual([{ kind: 'system.docker.module.assigned', data: { ...ids, module_id: 'mod-docker', module_name: 'docker-engine', module_version: '1.0.0', via: 'instance' } }]);
    const upgraded = given([assigned]).when(assign('template', { ...module, moduleId: 'mod-docker-2', moduleVersion: '1.1.0' }))();
    expect(upgraded).toEqual([{ kind: 'system.docker.module.assigned', data: { ...assigned.data, module_id: 'mod-docker-2', module_version: '1.1.0' } }]);
  });

  it('unassigns only the path that holds the module, and only once', () => {
    const unassign = (via: 'template' | 'instance'): DockerHostCommand => ({ type: 'UnassignModule', data: { via } });
    const unassigned: NewEvent = { kind: 'system.docker.module.unassigned', data: { ...ids, module_id: 'mod-docker', via: 'template' } };
    expect(given([assigned]).when(unassign('template'))()).toEqual([unassigned]);
    expect(given([assigned]).when(unassign('instance'))()).toEqual([]);
    expect(given([assigned, unassigned]).when(unassign('template'))()).toEqual([]);
    expect(given([]).when(unassign('template'))()).toEqual([]);
  });

  it('records installing and waiting_overlay once per walk; a new assignment or a stop starts another walk', () => {
    expect(given([assigned]).when({ type: 'ReportInstalling', data: { progress: '10%' } })()).toEqual([{ kind: 'system.docker.runtime.installing', data: { ...ids, progress: '10%' } }]);
    expect(given([assigned, installing]).when({ type: 'ReportInstalling', data: { progress: '90%' } })()).toEqual([]);
    const waiting: NewEvent = { kind: 'system.docker.runtime.waiting_overlay', data: ids };
    expect(given([assigned]).when({ type: 'ReportWaitingOverlay', data: {} })()).toEqual([waiting]);
    expect(given([assigned, waiting]).when({ type: 'ReportWaitingOverlay', data: {} })()).toEqual([]);
    const stopped: NewEvent = { kind: 'system.docker.runtime.stopped', data: ids };
    expect(given([assigned, installing, stopped]).when({ type: 'ReportInstalling', data: {} })()).toEqual([installing]);
  });

  it('refuses handshake phases of an instance docker is not assigned to (403), or whose runtime is gone (410)', () => {
    expect(given([]).when({ type: 'ReportInstalling', data: {} })).toThrow(expect.objectContaining({ code: 'PermissionDenied' }));
    const unassigned: NewEvent = { kind: 'system.docker.module.unassigned', data: { ...ids, module_id: 'mod-docker', via: 'template' } };
    expect(given([assigned, unassigned]).when(wantCert())).toThrow(expect.objectContaining({ code: 'PermissionDenied' }));
    const decommissioned: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: ids };
    expect(given([assigned, decommissioned]).when(wantCert())).toThrow(expect.objectContaining({ code: 'InstanceDecommissioned' }));
    expect(given([]).when({ type: 'ReportStopped', data: {} })).toThrow(expect.objectContaining({ code: 'PermissionDenied' }));
  });

  it('records wants_cert for a new key or overlay, not for a repeat of the same one', () => {
    expect(given([assigned, installing]).when(wantCert())()).toEqual([wantsCert()]);
    expect(given([assigned, installing, wantsCert()]).when(wantCert())()).toEqual([]);
    expect(given(connected).when(wantCert())()).toEqual([]);
    expect(given(connected).when(wantCert(otherKey))()).toEqual([wantsCert(otherKey)]);
    expect(given(connected).when(wantCert(key, 'fd00:1:2:3::b'))()).toEqual([wantsCert(key, 'fd00:1:2:3::b')]);
  });

  it('records a signed certificate once, and only for the key the host asked for', () => {
    const sign = (serial: string, k = key, replaces: string | null = null): DockerHostCommand => ({
      type: 'RecordCertSigned',
      data: { serial, notAfter: '2026-02-01T00:00:00.000Z', publicKeySha256: k, replaces },
    });
    expect(given([assigned, wantsCert()]).when(sign('01'))()).toEqual([certSigned('01')]);
    expect(given([assigned, wantsCert(), certSigned('01')]).when(sign('01'))()).toEqual([]);
    expect(given([assigned, wantsCert()]).when(sign('02', otherKey))).toThrow(expect.objectContaining({ code: 'IllegalState' }));
    // Two signers of one request (two replicas): the one that decided before '01' was recorded records nothing.
    expect(given([assigned, wantsCert(), certSigned('01')]).when(sign('02'))()).toEqual([]);
    // A re-signing of the same key that saw '01' (it was past two thirds of its life) is recorded.
    expect(given([assigned, wantsCert(), certSigned('01')]).when(sign('02', key, '01'))()).toEqual([certSigned('02')]);
    // A newer key's certificate recorded meanwhile does not answer a request for this one.
    expect(given([assigned, wantsCert(otherKey), certSigned('01', otherKey), wantsCert()]).when(sign('02'))()).toEqual([certSigned('02')]);
  });

  it('records a CA outage once, however often the agent retries, and forgets it once the certificate is signed', () => {
    const failed: NewEvent = {
      kind: 'system.docker.handshake.failed',
      data: { host_id: host, phase: 'wants_cert', code: 'CaUnavailable', reason: 'service ca is not running', retrying: true },
    };
    expect(given([assigned, wantsCert()]).when(caDown)()).toEqual([failed]);
    const retry: DockerHostCommand = { type: 'ReportFailed', data: { phase: 'wants_cert', code: 'CaUnavailable', reason: 'service ca did not answer in time', retrying: true } };
    expect(given([assigned, wantsCert(), failed]).when(retry)()).toEqual([]);
    expect(given([assigned, wantsCert(), failed, certSigned()]).when(caDown)()).toEqual([failed]);
  });

  it('needs a certificate before the config, and the config before ready', () => {
    const config: DockerHostCommand = { type: 'RecordConfig', data: { configHash: 'c'.repeat(64), refusedKeys: [] } };
    expect(given([assigned, wantsCert()]).when(config)).toThrow(expect.objectContaining({ code: 'IllegalState', message: expect.stringContaining('wants_cert first') }));
    expect(given([assigned, wantsCert(), certSigned()]).when(config)()).toEqual([wantsConfig()]);
    expect(given(configured).when(config)()).toEqual([]);
    const refused: DockerHostCommand = { type: 'RecordConfig', data: { configHash: 'd'.repeat(64), refusedKeys: ['hosts'] } };
    expect(given(configured).when(refused)()).toEqual([{ kind: 'system.docker.handshake.wants_config', data: { host_id: host, config_hash: 'd'.repeat(64), refused_keys: ['hosts'] } }]);
    expect(given([assigned, wantsCert(), certSigned()]).when(readyCommand())).toThrow(expect.objectContaining({ code: 'IllegalState', message: expect.stringContaining('wants_config first') }));
  });

  it('records ready and provisioned once; a repeat changes nothing, a new version or a reconnect does', () => {
    expect(given(configured).when(readyCommand())()).toEqual([ready(), provisioned()]);
    expect(given(connected).when(readyCommand())()).toEqual([]);
    expect(given(connected).when(readyCommand('26.0.0'))()).toEqual([ready('26.0.0'), provisioned('26.0.0')]);
    // A renewal walks wants_cert again with a new key: ready is news, the host stayed connected.
    expect(given([...connected, wantsCert(otherKey), certSigned('02', otherKey)]).when(readyCommand())()).toEqual([ready()]);
    const stopped: NewEvent = { kind: 'system.docker.runtime.stopped', data: ids };
    expect(given([...connected, stopped]).when(readyCommand())()).toEqual([ready(), provisioned()]);
  });

  it('stops once, and a failure reported by the agent names the phase the host was in', () => {
    const stopped: NewEvent = { kind: 'system.docker.runtime.stopped', data: ids };
    expect(given(connected).when({ type: 'ReportStopped', data: {} })()).toEqual([stopped]);
    expect(given([...connected, stopped]).when({ type: 'ReportStopped', data: {} })()).toEqual([]);
    const fail: DockerHostCommand = { type: 'ReportFailed', data: { reason: 'open /etc/docker/daemon.json: EACCES', retrying: false } };
    const failed: NewEvent = { kind: 'system.docker.handshake.failed', data: { host_id: host, phase: 'wants_config', reason: 'open /etc/docker/daemon.json: EACCES', retrying: false } };
    expect(given(configured).when(fail)()).toEqual([failed]);
    expect(given([...configured, failed]).when(fail)()).toEqual([]);
    expect(given([assigned]).when(fail)()).toEqual([{ ...failed, data: { ...failed.data, phase: 'installing' } }]);
  });

  it('decommissions a host that exists, once', () => {
    const decommission: DockerHostCommand = { type: 'DecommissionRuntime', data: {} };
    const decommissioned: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: ids };
    expect(given([]).when(decommission)()).toEqual([]);
    expect(given(connected).when(decommission)()).toEqual([decommissioned]);
    expect(given([...connected, decommissioned]).when(decommission)()).toEqual([]);
  });
});

describe('DockerHost health and operations', () => {
  const reachable = (version = '25.0.3'): DockerHostCommand => ({ type: 'RecordReachable', data: { version } });
  const unreachable = (failures: number): DockerHostCommand => ({ type: 'RecordUnreachable', data: { failures, reason: 'ECONNREFUSED', errorAfter: 5 } });
  const down = (failures: number, status: 'disconnected' | 'error'): NewEvent => ({ kind: 'system.docker.host.unreachable', data: { ...ids, status, failures, reason: 'ECONNREFUSED' } });
  const back = (previous: string): NewEvent => ({ kind: 'system.docker.host.connected', data: { ...ids, version: '25.0.3', previous_status: previous } });

  it('records only transitions: disconnected on the first failure, error at the threshold, connected again on the next good probe', () => {
    expect(given(connected).when(reachable())()).toEqual([]);
    expect(given(connected).when(unreachable(1))()).toEqual([down(1, 'disconnected')]);
    expect(given([...connected, down(1, 'disconnected')]).when(unreachable(2))()).toEqual([]);
    expect(given([...connected, down(1, 'disconnected')]).when(unreachable(5))()).toEqual([down(5, 'error')]);
    expect(given([...connected, down(1, 'disconnected'), down(5, 'error')]).when(unreachable(6))()).toEqual([]);
    // error is not sticky
    expect(given([...connected, down(1, 'disconnected'), down(5, 'error')]).when(reachable())()).toEqual([back('error')]);
    expect(given([...connected, down(1, 'disconnected')]).when(reachable())()).toEqual([back('disconnected')]);
  });

  it('does not probe-record a host that was never provisioned, was stopped or decommissioned', () => {
    expect(given(configured).when(unreachable(1))()).toEqual([]);
    expect(given(configured).when(reachable())()).toEqual([]);
    const stopped: NewEvent = { kind: 'system.docker.runtime.stopped', data: ids };
    expect(given([...connected, stopped]).when(unreachable(1))()).toEqual([]);
    const decommissioned: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: { ...ids, by: 'operator' } };
    expect(given([...connected, decommissioned]).when(reachable())()).toEqual([]);
  });

  it('records every operation on an assigned host as is, and none on a decommissioned one', () => {
    const op: DockerHostCommand = { type: 'RecordOperation', data: { kind: 'system.docker.container.deleted', data: { container_id: 'c'.repeat(64) } } };
    expect(given(connected).when(op)()).toEqual([{ kind: 'system.docker.container.deleted', data: { host_id: host, container_id: 'c'.repeat(64) } }]);
    const decommissioned: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: ids };
    expect(given([...connected, decommissioned]).when(op)).toThrow(expect.objectContaining({ code: 'InstanceDecommissioned' }));
  });

  it("holds an operator's decommission against the template until the template drops docker", () => {
    const byOperator: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: { ...ids, by: 'operator' } };
    expect(given(connected).when({ type: 'DecommissionRuntime', data: { by: 'operator' } })()).toEqual([byOperator]);
    expect(given([...connected, byOperator]).when(assign('template'))()).toEqual([]);
    const release: NewEvent = { kind: 'system.docker.module.unassigned', data: { ...ids, via: 'template', reason: 'gone' } };
    expect(given([...connected, byOperator]).when({ type: 'UnassignModule', data: { via: 'template', reason: 'gone' } })()).toEqual([release]);
    expect(given([...connected, byOperator, release]).when(assign('template'))()).toEqual([assigned]);
    // an operator may provision it again directly
    const { templateId: _t, ...direct } = module;
    expect(given([...connected, byOperator]).when(assign('instance', direct))()).toHaveLength(1);
    // an instance's decommission holds nothing: a template assignment after it is news
    const byInstance: NewEvent = { kind: 'system.docker.runtime.decommissioned', data: ids };
    expect(given([...connected, byInstance]).when(assign('template'))()).toEqual([assigned]);
  });
});

describe(evolveDockerHost.name, () => {
  const fold = (events: NewEvent[]) =>
    events.reduce(
      (state, e, i) =>
        evolveDockerHost(state, testEnvelope(e, i, host)),
      initialDockerHostState(),
    );

  it('moves pending → connected → disconnected, and error on a failure the agent will not retry', () => {
    expect(fold(configured)).toMatchObject({ status: 'pending', phase: 'wants_config', certificate: { serial: '01', publicKeySha256: key, overlay, issuedAt: '2026-01-01T00:00:03.000Z' } });
    expect(fold(connected)).toMatchObject({ status: 'connected', phase: 'ready', version: '25.0.3', apiEndpoint: endpoint });
    expect(fold([...connected, { kind: 'system.docker.runtime.stopped', data: ids }])).toMatchObject({ status: 'disconnected', phase: 'stopped' });
    const failed = (retrying: boolean): NewEvent => ({ kind: 'system.docker.handshake.failed', data: { host_id: host, phase: 'ready', reason: 'x', retrying } });
    expect(fold([...configured, failed(true)])).toMatchObject({ status: 'pending', lastError: { phase: 'ready', retrying: true } });
    expect(fold([...configured, failed(false)])).toMatchObject({ status: 'error' });
  });
});
