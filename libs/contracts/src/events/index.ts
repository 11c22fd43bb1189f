import { EventRegistry } from '../event-registry.js';
import { CA_EVENTS } from './ca.events.js';
import { CATALOG_EVENTS } from './catalog.events.js';
import { IDENTITY_EVENTS } from './identity.events.js';
import { DOCKER_EVENTS } from './docker.events.js';
import { SDWAN_EVENTS } from './sdwan.events.js';

export * as identityEvents from './identity.events.js';
export * as caEvents from './ca.events.js';
export * as catalogEvents from './catalog.events.js';
export * as sdwanEvents from './sdwan.events.js';
export * as dockerEvents from './docker.events.js';
export { DOCKER_TLS_PORT, dockerApiEndpoint, DOCKER_HOST_STATUSES, DOCKER_ONBOARDING_KINDS, DOCKER_PHASES, dockerHostIdOf, type DockerHostStatus, type DockerPhase } from './docker.events.js';
export { PEER_ROLES, PEER_STATUSES, type PeerRole, type PeerStatus } from './sdwan.events.js';
export { CERTIFICATE_PROFILES, type CertificateProfileName } from './ca.events.js';
export {
  INSTANCE_PROVIDERS,
  INSTANCE_STATUSES,
  MODULE_RUNTIMES,
  MODULE_STATUSES,
  type InstanceProvider,
  type InstanceStatus,
  type ModuleRuntime,
  type ModuleStatus,
} from './catalog.events.js';

/** Every event kind the platform stores, with its versions. Later contexts add their lists here. */
export function platformEventRegistry(): EventRegistry {
  const registry = new EventRegistry();
  for (const entry of [...IDENTITY_EVENTS, ...CA_EVENTS, ...CATALOG_EVENTS, ...SDWAN_EVENTS, ...DOCKER_EVENTS]) registry.register(entry);
  return registry;
}
