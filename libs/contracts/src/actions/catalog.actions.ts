import { z } from 'zod';
import {
  INSTANCE_PROVIDERS,
  INSTANCE_STATUSES,
  MODULE_RUNTIMES,
  MODULE_STATUSES,
  catalogName,
  instanceId,
  moduleId,
  moduleName,
  moduleVersion,
  templateId,
} from '../events/catalog.events.js';
import { defineAction } from './action.js';

const moduleSummary = z.object({
  id: z.string(),
  name: z.string(),
  version: z.string(),
  runtime: z.enum(MODULE_RUNTIMES),
  status: z.enum(MODULE_STATUSES),
  blessed: z.boolean(),
  bless_reason: z.string().optional(),
  blessed_by: z.string().optional(),
  config: z.record(z.string(), z.unknown()),
  description: z.string().optional(),
  published_at: z.string(),
  promoted_at: z.string().optional(),
});

const assignedModule = z.object({ module_id: z.string(), name: z.string(), version: z.string(), runtime: z.enum(MODULE_RUNTIMES) });

const templateSummary = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string().optional(),
  /** What instances of this template should run: the input of their desired state. */
  modules: z.array(assignedModule),
  created_at: z.string(),
  updated_at: z.string(),
});

/** The tutorial's instance shape (`node_template_id`). */
const instanceSummary = z.object({
  id: z.string(),
  name: z.string(),
  node_template_id: z.string(),
  status: z.enum(INSTANCE_STATUSES),
  provider: z.enum(INSTANCE_PROVIDERS),
  created_at: z.string(),
  updated_at: z.string(),
  enrolled_at: z.string().optional(),
  last_heartbeat_at: z.string().optional(),
  decommissioned_at: z.string().optional(),
});

/** A module named either by id (the original's shape) or by name (the tutorial's). */
const moduleRef = {
  module_id: moduleId.optional(),
  module_name: moduleName.optional().describe('resolves to the highest live version (else the highest blessed one)'),
};
const exactlyOneModuleRef: [(v: { module_id?: string; module_name?: string }) => boolean, { message: string; path: string[] }] = [
  (v) => (v.module_id === undefined) !== (v.module_name === undefined),
  { message: 'give exactly one of module_id and module_name', path: ['module_id'] },
];

export const systemListModules = defineAction({
  name: 'system_list_modules',
  description: 'Catalog modules (every version), optionally filtered by name, runtime or status.',
  service: 'catalog',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ name: moduleName.optional(), runtime: z.enum(MODULE_RUNTIMES).optional(), status: z.enum(MODULE_STATUSES).optional() }),
  output: z.object({ modules: z.array(moduleSummary) }),
});

export const systemPublishModule = defineAction({
  name: 'system_publish_module',
  description: 'Publish a module version to the catalog (status published; promote it to make it live). Name + version are unique.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({
    name: moduleName,
    version: moduleVersion,
    runtime: z.enum(MODULE_RUNTIMES),
    config: z.record(z.string(), z.unknown()).default({}).describe('runtime settings, e.g. daemon overrides'),
    description: z.string().max(1024).optional(),
  }),
  output: z.object({ module: moduleSummary }),
});

export const systemPromoteModule = defineAction({
  name: 'system_promote_module',
  description: 'Promote a published module version to live, so templates may use it. Promoting a live module is harmless.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z
    .object({ ...moduleRef, version: moduleVersion.optional().describe('with module_name; default the highest version') })
    .refine(...exactlyOneModuleRef),
  output: z.object({ module: moduleSummary }),
});

export const systemBlessModule = defineAction({
  name: 'system_bless_module',
  description: 'Allow a module version that is not live onto templates anyway; the reason and who blessed it are recorded.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z
    .object({ ...moduleRef, version: moduleVersion.optional().describe('with module_name; default the highest version'), reason: z.string().min(1).max(1024) })
    .refine(...exactlyOneModuleRef),
  output: z.object({ module: moduleSummary }),
});

export const systemCreateTemplate = defineAction({
  name: 'system_create_template',
  description: 'Create a node template; instances are provisioned from templates and run the modules assigned to them.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({ name: catalogName, description: z.string().max(1024).optional() }),
  output: z.object({ template: templateSummary }),
});

export const systemListTemplates = defineAction({
  name: 'system_list_templates',
  description: 'Node templates with their assigned modules.',
  service: 'catalog',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ name: catalogName.optional() }),
  output: z.object({ templates: z.array(templateSummary) }),
});

export const systemAssignModuleToTemplate = defineAction({
  name: 'system_assign_module_to_template',
  description:
    "Assign a module to a template; its instances pick it up on their next heartbeat. The module must be live or blessed (else ModuleNotLive). Assigning another version of an assigned module replaces it; assigning the same one again is harmless.",
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({ template_id: templateId, ...moduleRef }).refine(...exactlyOneModuleRef),
  output: z.object({ template: templateSummary, module: assignedModule, assigned: z.boolean().describe('false when it was already assigned') }),
});

export const systemUnassignModuleFromTemplate = defineAction({
  name: 'system_unassign_module_from_template',
  description: 'Remove a module from a template. Unassigning a module that is not assigned is harmless.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({ template_id: templateId, ...moduleRef }).refine(...exactlyOneModuleRef),
  output: z.object({ template: templateSummary, unassigned: z.boolean().describe('false when it was not assigned') }),
});

export const systemProvisionInstance = defineAction({
  name: 'system_provision_instance',
  description:
    'Provision a NodeInstance from a template on a provider: local (default; the platform makes the machine and starts its agent) or external (a machine you run the agent on yourself: the answer carries its single-use bootstrap token, shown once).',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({
    template_id: templateId,
    name: catalogName.optional().describe('default: the instance id'),
    provider: z.enum(INSTANCE_PROVIDERS).default('local'),
  }),
  output: z.object({
    instance: instanceSummary,
    bootstrap: z
      .object({ token: z.string(), expires_at: z.string() })
      .optional()
      .describe('external instances only: start powernode-agent with --bootstrap-token <token> before expires_at; not stored, not shown again'),
  }),
});

export const systemGetInstance = defineAction({
  name: 'system_get_instance',
  description: 'One NodeInstance, with the template it was provisioned from (node_template_id) and its status.',
  service: 'catalog',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({ id: instanceId }),
  output: z.object({ instance: instanceSummary }),
});

export const systemListInstances = defineAction({
  name: 'system_list_instances',
  description: 'NodeInstances, newest first; decommissioned ones only when asked.',
  service: 'catalog',
  permission: 'system.platform_read',
  mutating: false,
  input: z.object({
    template_id: templateId.optional(),
    status: z.enum(INSTANCE_STATUSES).optional(),
    include_decommissioned: z.boolean().default(false),
    limit: z.number().int().min(1).max(1000).default(100),
  }),
  output: z.object({ instances: z.array(instanceSummary) }),
});

export const systemDecommissionInstance = defineAction({
  name: 'system_decommission_instance',
  description: 'Decommission a NodeInstance. Decommissioning it again is harmless.',
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  input: z.object({ id: instanceId, reason: z.string().max(1024).optional() }),
  output: z.object({ instance: instanceSummary, already_decommissioned: z.boolean() }),
});

/** Internal: the handshake service records what an instance's agent did (enrolled, online, offline). */
export const catalogRecordInstanceAgent = defineAction({
  name: 'catalog_record_instance_agent',
  description: "Record an instance's agent enrolment or liveness transition; platform services only.",
  service: 'catalog',
  permission: 'system.catalog_admin',
  mutating: true,
  internal: true,
  input: z.object({
    instance_id: instanceId,
    event: z.enum(['enrolled', 'online', 'offline']),
    certificate_serial: z.string().min(1).max(128).optional(),
    agent_version: z.string().max(64).optional(),
    /** The heartbeat the transition is based on; stale transitions (an older beat) record nothing. */
    last_heartbeat_at: z.iso.datetime().nullable().optional(),
  }),
  output: z.object({ instance: instanceSummary, appended: z.boolean() }),
});
