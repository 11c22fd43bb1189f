import { EventRegistry } from '../event-registry.js';
import { CA_EVENTS } from './ca.events.js';
import { IDENTITY_EVENTS } from './identity.events.js';

export * as identityEvents from './identity.events.js';
export * as caEvents from './ca.events.js';
export { CERTIFICATE_PROFILES, type CertificateProfileName } from './ca.events.js';

/** Every event kind the platform stores, with its versions. Later contexts add their lists here. */
export function platformEventRegistry(): EventRegistry {
  const registry = new EventRegistry();
  for (const entry of [...IDENTITY_EVENTS, ...CA_EVENTS]) registry.register(entry);
  return registry;
}
