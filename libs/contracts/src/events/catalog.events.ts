import { z } from 'zod';
import type { EventKindVersion } from '../event-registry.js';

/** Runtimes a module can install; `k3s-*` are reserved for the K3s tutorial. */
export const MODULE_RUNTIMES = ['docker', 'k3s-server', 'k3s-agent'] as const;
export type ModuleRuntime = (typeof MODULE_RUNTIMES)[number];

/** Module lifecycle: `draft → published → live` (publishing creates a module already published). */
export const MODULE_STATUSES = ['draft', 'published', 'live'] as const;
export type ModuleStatus = (typeof MODULE_STATUSES)[number];

/** Where NodeInstances run; `local` (a network namespace on this machine) is the embedded default. */
/**
 * `local`: the platform makes the machine (a network namespace with its agent). `external`: the machine exists
 * elsewhere (a server, a VM, a simulated fleet); the platform records it and hands out a bootstrap token once.
 */
export const INSTANCE_PROVIDERS = ['local', 'external'] as const;
export type InstanceProvider = (typeof INSTANCE_PROVIDERS)[number];

/** `provisioning → running → online/offline → decommissioned`. */
export const INSTANCE_STATUSES = ['provisioning', 'running', 'online', 'offline', 'decommissioned'] as const;
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

export const moduleId = z.string().regex(/^mod-[A-Za-z0-9_-]{1,64}$/, 'a module id (mod-...)');
export const templateId = z.string().regex(/^tpl-[A-Za-z0-9_-]{1,64}$/, 'a template id (tpl-...)');
export const instanceId = z.string().regex(/^inst-[A-Za-z0-9_-]{1,64}$/, 'an instance id (inst-...)');
export const moduleName = z.string().regex(/^[a-z0-9][a-z0-9-]{0,62}$/, 'lowercase letters, digits and dashes');
export const moduleVersion = z.string().regex(/^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$/, 'a version like 1.0.0 or 25.0.3');
export const catalogName = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/, 'letters, digits, dot, dash, underscore');

export const modulePublished = z.object({
  module_id: moduleId,
  name: moduleName,
  version: moduleVersion,
  runtime: z.enum(MODULE_RUNTIMES),
  config: z.record(z.string(), z.unknown()),
  description: z.string().max(1024).optional(),
});

export const modulePromoted = z.object({
  module_id: moduleId,
  name: moduleName,
  version: moduleVersion,
  from: z.enum(MODULE_STATUSES),
  to: z.literal('live'),
});

/** A non-live module allowed onto templates anyway: why, and by whom (also the envelope's actor). */
export const moduleBlessed = z.object({
  module_id: moduleId,
  name: moduleName,
  version: moduleVersion,
  reason: z.string().min(1).max(1024),
  blessed_by: z.string().min(1),
});

export const templateCreated = z.object({
  template_id: templateId,
  name: catalogName,
  description: z.string().max(1024).optional(),
});

/** Carries the module's name, version and runtime so a template's desired state needs no other aggregate. */
export const templateModuleAssigned = z.object({
  template_id: templateId,
  module_id: moduleId,
  module_name: moduleName,
  module_version: moduleVersion,
  runtime: z.enum(MODULE_RUNTIMES),
});

export const templateModuleUnassigned = z.object({
  template_id: templateId,
  module_id: moduleId,
  module_name: moduleName,
  module_version: moduleVersion,
});

export const instanceProvisioned = z.object({
  instance_id: instanceId,
  template_id: templateId,
  name: catalogName,
  provider: z.enum(INSTANCE_PROVIDERS),
});

export const instanceDecommissioned = z.object({
  instance_id: instanceId,
  reason: z.string().max(1024).optional(),
});

/** Reserved for the handshake service: the instance's agent enrolled and holds an identity cert. */
export const instanceEnrolled = z.object({
  instance_id: instanceId,
  certificate_serial: z.string().min(1),
  agent_version: z.string().max(64).optional(),
});

/** Reserved for the handshake service: heartbeats arrive within twice the interval. */
export const instanceOnline = z.object({
  instance_id: instanceId,
  last_heartbeat_at: z.iso.datetime(),
});

/** Reserved for the handshake service: no heartbeat within twice the interval. */
export const instanceOffline = z.object({
  instance_id: instanceId,
  last_heartbeat_at: z.iso.datetime().nullable(),
});

export const CATALOG_EVENTS: EventKindVersion[] = [
  { kind: 'system.catalog.module.published', version: 1, schema: modulePublished },
  { kind: 'system.catalog.module.promoted', version: 1, schema: modulePromoted },
  { kind: 'system.catalog.module.blessed', version: 1, schema: moduleBlessed },
  { kind: 'system.catalog.template.created', version: 1, schema: templateCreated },
  { kind: 'system.catalog.template.module_assigned', version: 1, schema: templateModuleAssigned },
  { kind: 'system.catalog.template.module_unassigned', version: 1, schema: templateModuleUnassigned },
  { kind: 'system.catalog.instance.provisioned', version: 1, schema: instanceProvisioned },
  { kind: 'system.catalog.instance.decommissioned', version: 1, schema: instanceDecommissioned },
  { kind: 'system.catalog.instance.enrolled', version: 1, schema: instanceEnrolled },
  { kind: 'system.catalog.instance.online', version: 1, schema: instanceOnline },
  { kind: 'system.catalog.instance.offline', version: 1, schema: instanceOffline },
];
