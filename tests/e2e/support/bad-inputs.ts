// The bad-input table: one row per hostile or malformed call, through the door it names, with the stable error code
// it must be refused with (or `ignored`: the call succeeds, the odd part has no effect). No row may append an event.
import type { ErrorCode } from '@powernode/contracts';
import type { BadInputPlatform } from './bad-input-platform.js';
import type { AgentTls } from '../../../apps/handshake/src/testing/agent-client.js';
import type { Door, Outcome } from './bad-input-doors.js';

export type Kind =
  | 'malformed-json'
  | 'wrong-type'
  | 'oversized'
  | 'unknown-field'
  | 'path-like'
  | 'shell-like'
  | 'bad-ipv6'
  | 'hostile-csr'
  | 'phase-order'
  | 'replay'
  | 'auth'
  | 'unknown-action'
  | 'not-found';

export interface BadInputCase {
  door: Door;
  kind: Kind;
  name: string;
  /**
   * The stable code; `ignored` (succeeds, no effect); or a standard gRPC status grpc-js itself answers before any
   * gateway code runs (so without the powernode-error-code trailer).
   */
  expect: ErrorCode | 'ignored' | { grpcTransportStatus: number };
  call(p: BadInputPlatform): Promise<Outcome>;
}

const MIB = 1024 * 1024;
const ACTIONS = '/api/v1/actions';
const SHELL = ['$(reboot)', 'a;rm -rf /', '`id`', 'a\nb', 'a\u0000b'] as const;

/** An MCP JSON-RPC tools/call envelope. */
const toolsCall = (name: string, args: unknown) => JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name, arguments: args } });

/** Protobuf wire format by hand: the generated client would never send these bytes. */
const varint = (n: number): number[] => (n < 0x80 ? [n] : [(n & 0x7f) | 0x80, ...varint(n >>> 7)]);
const lengthDelimited = (field: number, bytes: Buffer) => Buffer.from([...varint((field << 3) | 2), ...varint(bytes.length), ...bytes]);

const http: BadInputCase[] = [
  { door: 'http', kind: 'malformed-json', name: 'truncated JSON object', expect: 'InvalidInput', call: (p) => p.doors.httpRaw(`${ACTIONS}/system_create_template`, '{"name": "x"', p.adminToken) },
  { door: 'http', kind: 'malformed-json', name: 'single quotes and a trailing comma', expect: 'InvalidInput', call: (p) => p.doors.httpRaw(`${ACTIONS}/system_create_template`, "{'name': 'x',}", p.adminToken) },
  { door: 'http', kind: 'malformed-json', name: 'a bare JSON string as the body', expect: 'InvalidInput', call: (p) => p.doors.httpRaw(`${ACTIONS}/system_create_template`, '"tpl"', p.adminToken) },
  { door: 'http', kind: 'wrong-type', name: 'a JSON array as the input', expect: 'InvalidInput', call: (p) => p.doors.http('system_create_template', [{ name: 'x' }], p.adminToken) },
  { door: 'http', kind: 'wrong-type', name: 'template name as a number', expect: 'InvalidInput', call: (p) => p.doors.http('system_create_template', { name: 42 }, p.adminToken) },
  { door: 'http', kind: 'wrong-type', name: 'recent_events limit as a string', expect: 'InvalidInput', call: (p) => p.doors.http('recent_events', { limit: '10' }, p.adminToken) },
  { door: 'http', kind: 'wrong-type', name: 'account roles as a string', expect: 'InvalidInput', call: (p) => p.doors.http('identity_create_account', { name: 'rolesy', roles: 'admin' }, p.adminToken) },
  { door: 'http', kind: 'wrong-type', name: 'module config as an array', expect: 'InvalidInput', call: (p) => p.doors.http('system_publish_module', { name: 'cfg', version: '1.0.0', runtime: 'docker', config: [1, 2] }, p.adminToken) },
  { door: 'http', kind: 'oversized', name: 'a body just over 1 MiB', expect: 'PayloadTooLarge', call: (p) => p.doors.httpRaw(`${ACTIONS}/system_create_template`, JSON.stringify({ name: 'x', description: 'd'.repeat(MIB) }), p.adminToken) },
  { door: 'http', kind: 'oversized', name: 'a 2 KiB template description (limit 1024)', expect: 'InvalidInput', call: (p) => p.doors.http('system_create_template', { name: 'big', description: 'd'.repeat(2048) }, p.adminToken) },
  { door: 'http', kind: 'path-like', name: 'template name ../../etc/passwd', expect: 'InvalidInput', call: (p) => p.doors.http('system_create_template', { name: '../../etc/passwd' }, p.adminToken) },
  { door: 'http', kind: 'path-like', name: 'instance name /etc/shadow', expect: 'InvalidInput', call: (p) => p.doors.http('system_provision_instance', { template_id: p.templateId, name: '/etc/shadow' }, p.adminToken) },
  { door: 'http', kind: 'path-like', name: 'network name ../../etc/passwd', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: '../../etc/passwd' }, p.adminToken) },
  ...SHELL.map((name): BadInputCase => ({ door: 'http', kind: 'shell-like', name: `account name ${JSON.stringify(name)}`, expect: 'InvalidInput', call: (p) => p.doors.http('identity_create_account', { name, roles: ['viewer'] }, p.adminToken) })),
  { door: 'http', kind: 'shell-like', name: 'template description with a NUL', expect: 'InvalidInput', call: (p) => p.doors.http('system_create_template', { name: 'nul-desc', description: 'a\u0000b' }, p.adminToken) },
  { door: 'http', kind: 'shell-like', name: 'network name with a NUL', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: 'net\u0000work' }, p.adminToken) },
  { door: 'http', kind: 'bad-ipv6', name: 'network prefix 2001:db8::/64 (not a ULA)', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: 'doc', prefix: '2001:db8::/64' }, p.adminToken) },
  { door: 'http', kind: 'bad-ipv6', name: 'network prefix fd12:3456::/48 (not a /64)', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: 'wide', prefix: 'fd12:3456::/48' }, p.adminToken) },
  { door: 'http', kind: 'bad-ipv6', name: 'network prefix fd12::zz/64', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: 'zz', prefix: 'fd12::zz/64' }, p.adminToken) },
  { door: 'http', kind: 'bad-ipv6', name: 'network prefix 10.0.0.0/24 (IPv4)', expect: 'InvalidInput', call: (p) => p.doors.http('system_sdwan_create_network', { name: 'v4', prefix: '10.0.0.0/24' }, p.adminToken) },
  { door: 'http', kind: 'unknown-action', name: 'system_reboot', expect: 'NotFound', call: (p) => p.doors.http('system_reboot', {}, p.adminToken) },
  { door: 'http', kind: 'unknown-action', name: 'the internal ca_sign through the gateway', expect: 'NotFound', call: (p) => p.doors.http('ca_sign', { profile: 'platform-server', csr_pem: p.csr.foreignNames, subject: {} }, p.adminToken) },
  { door: 'http', kind: 'unknown-action', name: 'a path-like action name', expect: 'NotFound', call: (p) => p.doors.httpRaw(`${ACTIONS}/..%2F..%2Fetc%2Fpasswd`, '{}', p.adminToken) },
  { door: 'http', kind: 'auth', name: 'no Authorization header', expect: 'Unauthenticated', call: (p) => p.doors.http('system_create_template', { name: 'anon' }) },
  { door: 'http', kind: 'auth', name: 'Basic instead of Bearer', expect: 'Unauthenticated', call: (p) => p.doors.http('system_create_template', { name: 'basic' }, undefined, { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` }) },
  { door: 'http', kind: 'auth', name: 'a made-up bearer token', expect: 'Unauthenticated', call: (p) => p.doors.http('system_create_template', { name: 'forged' }, 'x'.repeat(43)) },
  { door: 'http', kind: 'auth', name: 'a viewer creating an account', expect: 'PermissionDenied', call: (p) => p.doors.http('identity_create_account', { name: 'escalate', roles: ['admin'] }, p.viewerToken) },
  { door: 'http', kind: 'not-found', name: 'system_get_instance of inst-doesnotexist', expect: 'NotFound', call: (p) => p.doors.http('system_get_instance', { id: 'inst-doesnotexist' }, p.adminToken) },
  { door: 'http', kind: 'not-found', name: 'decommissioning inst-ghost', expect: 'NotFound', call: (p) => p.doors.http('system_decommission_instance', { id: 'inst-ghost' }, p.adminToken) },
  { door: 'http', kind: 'not-found', name: 'attaching to net-00000000', expect: 'NotFound', call: (p) => p.doors.http('system_sdwan_attach_peer', { network_id: 'net-00000000', node_instance_id: p.instanceId }, p.adminToken) },
  {
    door: 'http',
    kind: 'unknown-field',
    name: '__proto__ and roles in identity_whoami as a viewer',
    expect: 'ignored',
    call: async (p) => {
      const outcome = await p.doors.httpRaw(`${ACTIONS}/identity_whoami`, '{"__proto__":{"roles":["admin"]},"roles":["admin"],"account_id":"admin"}', p.viewerToken);
      expect(outcome.body).toMatchObject({ account: { id: 'vera', roles: ['viewer'] } });
      expect((outcome.body as { permissions: string[] }).permissions).not.toContain('system.identity_admin');
      return outcome;
    },
  },
  {
    door: 'http',
    kind: 'unknown-field',
    name: 'status and node_template_id in system_get_instance',
    expect: 'ignored',
    call: async (p) => {
      const outcome = await p.doors.http('system_get_instance', { id: p.instanceId, status: 'decommissioned', node_template_id: 'tpl-other' }, p.adminToken);
      expect(outcome.body).toMatchObject({ instance: { id: p.instanceId, status: 'provisioning', node_template_id: p.templateId } });
      return outcome;
    },
  },
];

const grpc: BadInputCase[] = [
  { door: 'grpc', kind: 'malformed-json', name: 'random bytes as the request message', expect: 'InvalidInput', call: (p) => p.doors.grpcRaw('SystemCreateTemplate', Buffer.from('ffffffffffffffffffff01deadbeef', 'hex'), p.adminToken) },
  { door: 'grpc', kind: 'wrong-type', name: 'limit (int64) sent as a length-delimited string', expect: 'InvalidInput', call: (p) => p.doors.grpcRaw('RecentEvents', lengthDelimited(2, Buffer.from('9999')), p.adminToken) },
  {
    door: 'grpc',
    kind: 'unknown-field',
    name: 'an unknown field number 99 in identity_whoami',
    expect: 'ignored',
    call: (p) => p.doors.grpcRaw('IdentityWhoami', lengthDelimited(99, Buffer.from('admin')), p.viewerToken),
  },
  { door: 'grpc', kind: 'oversized', name: 'a 2 MiB template name', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_create_template', { name: 'n'.repeat(2 * MIB) }, p.adminToken) },
  { door: 'grpc', kind: 'oversized', name: 'a 5 MiB message (over the 4 MiB gRPC limit)', expect: { grpcTransportStatus: 8 /* RESOURCE_EXHAUSTED */ }, call: (p) => p.doors.grpc('system_create_template', { name: 'big', description: 'd'.repeat(5 * MIB) }, p.adminToken) },
  { door: 'grpc', kind: 'path-like', name: 'template name ../../etc/passwd', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_create_template', { name: '../../etc/passwd' }, p.adminToken) },
  { door: 'grpc', kind: 'path-like', name: 'module name ../docker-engine', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_assign_module_to_template', { template_id: p.templateId, module_name: '../docker-engine' }, p.adminToken) },
  { door: 'grpc', kind: 'shell-like', name: 'template name `reboot`', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_create_template', { name: '`reboot`' }, p.adminToken) },
  { door: 'grpc', kind: 'shell-like', name: 'module version 1.0;reboot', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_publish_module', { name: 'shelly', version: '1.0;reboot', runtime: 'docker' }, p.adminToken) },
  { door: 'grpc', kind: 'shell-like', name: 'network name with a newline', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_sdwan_create_network', { name: 'net\n[Peer]' }, p.adminToken) },
  { door: 'grpc', kind: 'shell-like', name: 'token label with a NUL', expect: 'InvalidInput', call: (p) => p.doors.grpc('identity_issue_token', { account_id: 'vera', label: 'lap\u0000top' }, p.adminToken) },
  { door: 'grpc', kind: 'bad-ipv6', name: 'network prefix fd00::/129', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_sdwan_create_network', { name: 'toolong', prefix: 'fd00::/129' }, p.adminToken) },
  { door: 'grpc', kind: 'bad-ipv6', name: 'network prefix with host bits set', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_sdwan_create_network', { name: 'hostbits', prefix: 'fd12:3456:789a:1::1/64' }, p.adminToken) },
  { door: 'grpc', kind: 'bad-ipv6', name: 'network prefix fe80::/64 (link-local)', expect: 'InvalidInput', call: (p) => p.doors.grpc('system_sdwan_create_network', { name: 'linklocal', prefix: 'fe80::/64' }, p.adminToken) },
  { door: 'grpc', kind: 'unknown-action', name: 'a method the service does not have', expect: { grpcTransportStatus: 12 /* UNIMPLEMENTED */ }, call: (p) => p.doors.grpcRaw('SystemReboot', Buffer.alloc(0), p.adminToken) },
  { door: 'grpc', kind: 'auth', name: 'no authorization metadata', expect: 'Unauthenticated', call: (p) => p.doors.grpc('system_create_template', { name: 'anon' }, null) },
  { door: 'grpc', kind: 'auth', name: 'a made-up bearer token', expect: 'Unauthenticated', call: (p) => p.doors.grpc('system_create_template', { name: 'forged' }, 'not-a-token') },
  { door: 'grpc', kind: 'auth', name: 'a viewer creating a network', expect: 'PermissionDenied', call: (p) => p.doors.grpc('system_sdwan_create_network', { name: 'viewer-net' }, p.viewerToken) },
  { door: 'grpc', kind: 'not-found', name: 'system_get_instance of inst-nope', expect: 'NotFound', call: (p) => p.doors.grpc('system_get_instance', { id: 'inst-nope' }, p.adminToken) },
  { door: 'grpc', kind: 'not-found', name: 'provisioning from tpl-ghost', expect: 'NotFound', call: (p) => p.doors.grpc('system_provision_instance', { template_id: 'tpl-ghost' }, p.adminToken) },
  { door: 'grpc', kind: 'not-found', name: 'revoking grant-00000000', expect: 'NotFound', call: (p) => p.doors.grpc('system_sdwan_revoke_access_grant', { grant_id: 'grant-00000000' }, p.adminToken) },
];

const mcp: BadInputCase[] = [
  { door: 'mcp', kind: 'malformed-json', name: 'a truncated JSON-RPC body', expect: 'InvalidInput', call: (p) => p.doors.httpRaw('/mcp', '{"jsonrpc":"2.0","id":1,"method":"tools/ca', p.adminToken) },
  { door: 'mcp', kind: 'oversized', name: 'a tools/call body over 1 MiB', expect: 'PayloadTooLarge', call: (p) => p.doors.httpRaw('/mcp', toolsCall('system_create_template', { name: 'x', description: 'd'.repeat(MIB) }), p.adminToken) },
  { door: 'mcp', kind: 'wrong-type', name: 'template_id as a number', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_provision_instance', { template_id: 123 }) },
  { door: 'mcp', kind: 'wrong-type', name: 'include_decommissioned as a string', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_list_instances', { include_decommissioned: 'yes' }) },
  { door: 'mcp', kind: 'wrong-type', name: 'a missing required field', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_sdwan_attach_peer', { network_id: 'net-00000000' }) },
  { door: 'mcp', kind: 'path-like', name: 'module name ../../etc/passwd', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_publish_module', { name: '../../etc/passwd', version: '1.0.0', runtime: 'docker' }) },
  { door: 'mcp', kind: 'path-like', name: 'certificate serial ../../etc/passwd', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'ca_revoke_certificate', { serial: '../../etc/passwd' }) },
  { door: 'mcp', kind: 'shell-like', name: 'template name a;rm -rf /', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_create_template', { name: 'a;rm -rf /' }) },
  { door: 'mcp', kind: 'shell-like', name: 'instance name with a NUL', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_provision_instance', { template_id: p.templateId, name: 'node\u0000' }) },
  { door: 'mcp', kind: 'shell-like', name: 'access grant ttl $(reboot)', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_sdwan_create_access_grant', { network_id: p.networkId, device_name_hint: 'laptop', ttl: '$(reboot)' }) },
  { door: 'mcp', kind: 'bad-ipv6', name: 'network prefix fd12:3456:789a:1::/63', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_sdwan_create_network', { name: 'slash63', prefix: 'fd12:3456:789a:1::/63' }) },
  { door: 'mcp', kind: 'bad-ipv6', name: 'network prefix :::/64', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'system_sdwan_create_network', { name: 'colons', prefix: ':::/64' }) },
  { door: 'mcp', kind: 'unknown-action', name: 'an unknown tool', expect: 'NotFound', call: (p) => p.doors.mcp(p.adminToken, 'system_reboot', {}) },
  { door: 'mcp', kind: 'unknown-action', name: 'the internal handshake_issue_bootstrap_token', expect: 'NotFound', call: (p) => p.doors.mcp(p.adminToken, 'handshake_issue_bootstrap_token', { instance_id: p.instanceId }) },
  { door: 'mcp', kind: 'unknown-action', name: 'the streaming watch_events as a tool', expect: 'InvalidInput', call: (p) => p.doors.mcp(p.adminToken, 'watch_events', {}) },
  { door: 'mcp', kind: 'auth', name: 'tools/call without a token', expect: 'Unauthenticated', call: (p) => p.doors.httpRaw('/mcp', toolsCall('system_create_template', { name: 'anon' })) },
  { door: 'mcp', kind: 'auth', name: 'a viewer assigning a module', expect: 'PermissionDenied', call: (p) => p.doors.mcp(p.viewerToken, 'system_assign_module_to_template', { template_id: p.templateId, module_name: 'docker-engine' }) },
  { door: 'mcp', kind: 'not-found', name: 'assigning to tpl-ghost', expect: 'NotFound', call: (p) => p.doors.mcp(p.adminToken, 'system_assign_module_to_template', { template_id: 'tpl-ghost', module_name: 'docker-engine' }) },
  { door: 'mcp', kind: 'not-found', name: 'assigning module no-such-module', expect: 'NotFound', call: (p) => p.doors.mcp(p.adminToken, 'system_assign_module_to_template', { template_id: p.templateId, module_name: 'no-such-module' }) },
  { door: 'mcp', kind: 'not-found', name: 'an access grant on net-00000000', expect: 'NotFound', call: (p) => p.doors.mcp(p.adminToken, 'system_sdwan_create_access_grant', { network_id: 'net-00000000', device_name_hint: 'laptop' }) },
  {
    door: 'mcp',
    kind: 'unknown-field',
    name: 'drop_table in system_list_templates',
    expect: 'ignored',
    call: async (p) => {
      const outcome = await p.doors.mcp(p.adminToken, 'system_list_templates', { name: 'bad-input', drop_table: true });
      expect(outcome.body).toMatchObject({ templates: [{ id: p.templateId }] });
      return outcome;
    },
  },
];

const enrol = (p: BadInputPlatform, body: unknown) => p.doors.agent('/agent/enroll', { ca: [p.hs.root] }, body);
const facts = { agent_version: '0.1.0', os: 'linux', arch: 'x64', hostname: 'node-1', underlay_endpoints: ['fd10::2'], runtimes: {} };
const enrolWith = (csr: (p: BadInputPlatform) => string, token: (p: BadInputPlatform) => string = (p) => p.unusedToken) => (p: BadInputPlatform) =>
  enrol(p, { bootstrap_token: token(p), csr_pem: csr(p), facts });
const heartbeat = (p: BadInputPlatform, tls: AgentTls, body: Record<string, unknown>) =>
  p.doors.agent('/agent/heartbeat', tls, { instance_id: p.agent.instanceId, wait_s: 0, facts, ...body });
const runtime = (p: BadInputPlatform, agent: 'installing' | 'certified', body: Record<string, unknown>) =>
  p.doors.agent('/runtime/handshake', p[agent].tls, { runtime: 'docker', ...body });

const agent: BadInputCase[] = [
  { door: 'agent', kind: 'malformed-json', name: 'enrol: truncated JSON', expect: 'InvalidInput', call: (p) => enrol(p, Buffer.from('{"bootstrap_token":')) },
  { door: 'agent', kind: 'malformed-json', name: 'heartbeat: not JSON at all', expect: 'InvalidInput', call: (p) => p.doors.agent('/agent/heartbeat', p.agent.tls, Buffer.from('instance_id=inst-1&wait_s=0')) },
  { door: 'agent', kind: 'wrong-type', name: 'enrol: a JSON array', expect: 'InvalidInput', call: (p) => enrol(p, [p.unusedToken]) },
  { door: 'agent', kind: 'wrong-type', name: 'enrol: facts as a string', expect: 'InvalidInput', call: (p) => enrol(p, { bootstrap_token: p.unusedToken, csr_pem: p.csr.foreignNames, facts: 'linux' }) },
  { door: 'agent', kind: 'wrong-type', name: 'heartbeat: wait_s 26 (at most 25)', expect: 'InvalidInput', call: (p) => heartbeat(p, p.agent.tls, { wait_s: 26 }) },
  { door: 'agent', kind: 'wrong-type', name: 'heartbeat: no facts', expect: 'InvalidInput', call: (p) => heartbeat(p, p.agent.tls, { facts: undefined }) },
  { door: 'agent', kind: 'wrong-type', name: 'runtime handshake: ready without a version', expect: 'InvalidInput', call: (p) => runtime(p, 'certified', { phase: 'ready' }) },
  { door: 'agent', kind: 'oversized', name: 'enrol: a 70 KiB body (limit 64 KiB)', expect: 'PayloadTooLarge', call: (p) => enrol(p, { bootstrap_token: 'x'.repeat(70 * 1024) }) },
  { door: 'agent', kind: 'oversized', name: 'enrol: a 20 KiB CSR (limit 16 KiB)', expect: 'InvalidInput', call: enrolWith((p) => p.csr.foreignNames.repeat(40)) },
  { door: 'agent', kind: 'oversized', name: 'enrol: a 300-character hostname', expect: 'InvalidInput', call: (p) => enrol(p, { bootstrap_token: p.unusedToken, csr_pem: p.csr.foreignNames, facts: { ...facts, hostname: 'h'.repeat(300) } }) },
  { door: 'agent', kind: 'path-like', name: 'runtime handshake: tls_dir ../../etc', expect: 'InvalidInput', call: (p) => runtime(p, 'certified', { phase: 'wants_config', tls_dir: '../../etc' }) },
  { door: 'agent', kind: 'path-like', name: 'heartbeat: instance_id ../../etc/passwd', expect: 'PermissionDenied', call: (p) => heartbeat(p, p.agent.tls, { instance_id: '../../etc/passwd' }) },
  { door: 'agent', kind: 'path-like', name: 'POST /agent/%2e%2e/%2e%2e/etc/passwd', expect: 'NotFound', call: (p) => p.doors.agent('/agent/%2e%2e/%2e%2e/etc/passwd', p.agent.tls, {}) },
  { door: 'agent', kind: 'shell-like', name: 'enrol: bootstrap token pnb1.$(reboot)', expect: 'InvalidInput', call: (p) => enrol(p, { bootstrap_token: 'pnb1.$(reboot)', csr_pem: p.csr.foreignNames, facts }) },
  { door: 'agent', kind: 'shell-like', name: 'runtime handshake: runtime k3s;reboot', expect: 'UnsupportedRuntime', call: (p) => runtime(p, 'installing', { runtime: 'k3s;reboot', phase: 'installing' }) },
  { door: 'agent', kind: 'shell-like', name: 'runtime handshake: phase `reboot`', expect: 'UnsupportedRuntime', call: (p) => runtime(p, 'installing', { phase: '`reboot`' }) },
  { door: 'agent', kind: 'shell-like', name: 'runtime handshake: tls_dir with a newline and ;', expect: 'InvalidInput', call: (p) => runtime(p, 'certified', { phase: 'wants_config', tls_dir: '/etc/docker\n; rm -rf /' }) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: random bytes as the CSR', expect: 'InvalidCsr', call: enrolWith((p) => p.csr.randomBytes) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: PEM-wrapped garbage', expect: 'InvalidCsr', call: enrolWith((p) => p.csr.pemGarbage) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: an RSA CSR asking for foreign names', expect: 'UnsupportedKey', call: enrolWith((p) => p.csr.rsa) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: an ECDSA P-384 CSR', expect: 'UnsupportedKey', call: enrolWith((p) => p.csr.ecdsaP384) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: a CSR whose self-signature does not verify', expect: 'InvalidCsr', call: enrolWith((p) => p.csr.tampered) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: two CSRs in one field', expect: 'InvalidCsr', call: enrolWith((p) => p.csr.twoBlocks) },
  { door: 'agent', kind: 'hostile-csr', name: 'enrol: a certificate chain instead of a CSR', expect: 'InvalidCsr', call: enrolWith((p) => p.csr.certificate) },
  { door: 'agent', kind: 'hostile-csr', name: 'renew: an RSA CSR', expect: 'UnsupportedKey', call: (p) => p.doors.agent('/agent/renew', p.agent.tls, { csr_pem: p.csr.rsa }) },
  { door: 'agent', kind: 'hostile-csr', name: 'renew: PEM-wrapped garbage', expect: 'InvalidCsr', call: (p) => p.doors.agent('/agent/renew', p.agent.tls, { csr_pem: p.csr.pemGarbage }) },
  { door: 'agent', kind: 'hostile-csr', name: 'wants_cert: an RSA CSR asking for foreign names', expect: 'UnsupportedKey', call: (p) => runtime(p, 'installing', { phase: 'wants_cert', csr_pem: p.csr.rsa }) },
  { door: 'agent', kind: 'hostile-csr', name: 'wants_cert: an ECDSA P-256 daemon key', expect: 'UnsupportedKey', call: (p) => runtime(p, 'installing', { phase: 'wants_cert', csr_pem: p.csr.ecdsaP256 }) },
  { door: 'agent', kind: 'hostile-csr', name: 'wants_cert: a broken self-signature', expect: 'InvalidCsr', call: (p) => runtime(p, 'installing', { phase: 'wants_cert', csr_pem: p.csr.tampered }) },
  {
    door: 'agent',
    kind: 'hostile-csr',
    name: 'wants_cert: foreign names from an instance docker is not assigned to',
    expect: 'PermissionDenied',
    call: (p) => p.doors.agent('/runtime/handshake', p.other.tls, { runtime: 'docker', phase: 'wants_cert', csr_pem: p.csr.foreignNames }),
  },
  { door: 'agent', kind: 'phase-order', name: 'wants_config before wants_cert', expect: 'IllegalState', call: (p) => runtime(p, 'installing', { phase: 'wants_config', tls_dir: '/etc/docker/powernode' }) },
  { door: 'agent', kind: 'phase-order', name: 'ready before wants_cert', expect: 'IllegalState', call: (p) => runtime(p, 'installing', { phase: 'ready', version: '25.0.3' }) },
  { door: 'agent', kind: 'phase-order', name: 'ready before wants_config', expect: 'IllegalState', call: (p) => runtime(p, 'certified', { phase: 'ready', version: '25.0.3' }) },
  { door: 'agent', kind: 'replay', name: 'enrol: the redeemed token with another key', expect: 'InvalidBootstrapToken', call: enrolWith((p) => p.csr.ecdsaP256, (p) => p.usedToken) },
  { door: 'agent', kind: 'replay', name: 'enrol: the redeemed token, another instance’s id and foreign SANs', expect: 'InvalidBootstrapToken', call: enrolWith((p) => p.csr.foreignNames, (p) => p.usedToken) },
  {
    door: 'agent',
    kind: 'replay',
    name: 'enrol: a forged secret under the real CA fingerprint',
    expect: 'InvalidBootstrapToken',
    call: enrolWith((p) => p.csr.foreignNames, (p) => `${p.unusedToken.split('.').slice(0, 2).join('.')}.${'A'.repeat(43)}`),
  },
  { door: 'agent', kind: 'replay', name: 'enrol: the unused token pinning another CA', expect: 'InvalidBootstrapToken', call: enrolWith((p) => p.csr.foreignNames, (p) => `pnb1.${'0'.repeat(64)}.${p.unusedToken.split('.')[2]}`) },
  {
    door: 'agent',
    kind: 'replay',
    name: 'wants_cert: the same CSR again (same certificate, nothing recorded)',
    expect: 'ignored',
    call: async (p) => {
      const outcome = await runtime(p, 'certified', { phase: 'wants_cert', csr_pem: p.certified.daemonCsrPem });
      expect(outcome.body).toMatchObject({ certificate: { serial: p.certified.daemonSerial } });
      return outcome;
    },
  },
  { door: 'agent', kind: 'auth', name: 'heartbeat without a client certificate', expect: 'Unauthenticated', call: (p) => heartbeat(p, { ca: [p.hs.root] }, {}) },
  { door: 'agent', kind: 'auth', name: 'heartbeat with a certificate of another CA naming the instance', expect: 'Unauthenticated', call: (p) => heartbeat(p, p.foreignTls, {}) },
  { door: 'agent', kind: 'auth', name: 'heartbeat with an identity replaced by re-enrolment', expect: 'Unauthenticated', call: (p) => heartbeat(p, p.staleTls, {}) },
  { door: 'agent', kind: 'auth', name: 'heartbeat with the docker daemon’s server certificate', expect: 'Unauthenticated', call: (p) => heartbeat(p, p.certified.daemonTls, { instance_id: p.certified.instanceId }) },
  { door: 'agent', kind: 'auth', name: 'heartbeat speaking for another instance', expect: 'PermissionDenied', call: (p) => heartbeat(p, p.agent.tls, { instance_id: p.other.instanceId }) },
  { door: 'agent', kind: 'auth', name: 'renew without a client certificate', expect: 'Unauthenticated', call: (p) => p.doors.agent('/agent/renew', { ca: [p.hs.root] }, { csr_pem: p.csr.foreignNames }) },
  { door: 'agent', kind: 'auth', name: 'runtime handshake with a replaced identity', expect: 'Unauthenticated', call: (p) => p.doors.agent('/runtime/handshake', p.staleTls, { runtime: 'docker', phase: 'installing' }) },
  { door: 'agent', kind: 'unknown-action', name: 'GET /agent/enroll', expect: 'NotFound', call: (p) => p.doors.agent('/agent/enroll', { ca: [p.hs.root] }, undefined, 'GET') },
  { door: 'agent', kind: 'unknown-action', name: 'POST /agent/exec', expect: 'NotFound', call: (p) => p.doors.agent('/agent/exec', p.agent.tls, { cmd: 'reboot' }) },
];

/** Every row, HTTP first, then gRPC, MCP and the agent-facing API. */
export const BAD_INPUTS: readonly BadInputCase[] = [...http, ...grpc, ...mcp, ...agent];
