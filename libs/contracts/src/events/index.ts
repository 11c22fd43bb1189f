import { EventRegistry } from '../event-registry.js';
import { IDENTITY_EVENTS } from './identity.events.js';

export * as identityEvents from './identity.events.js';

/** Every event kind the platform stores, with its versions. Later contexts add their lists here. */
export function platformEventRegistry(): EventRegistry {
  const registry = new EventRegistry();
  for (const entry of IDENTITY_EVENTS) registry.register(entry);
  return registry;
}
