import type { EventEnvelope } from '@powernode/contracts';

/**
 * What an event may change, as waiters are found: a template's (`t`), an instance's (`i`), every state
 * (`all`: module config), from catalog events and direct docker assignments; an instance's (`s`) or every
 * state with an interface on a network (`n`), from SDWAN events (kept apart: only those are read from another
 * service, which may lag).
 */
export type Mark = { kind: 't' | 'i' | 'all' | 's' | 'n'; id: string };

/** The marks of one `system.catalog`, `system.sdwan` or `system.docker` event; none when it changes no desired state. */
export function marksOf(event: Pick<EventEnvelope, 'kind' | 'data'>): Mark[] {
  if (event.kind.startsWith('system.docker.')) return dockerMarks(event);
  return event.kind.startsWith('system.sdwan.') ? sdwanMarks(event) : catalogMarks(event);
}

/** Only a direct assignment (or its end) changes a desired state; the template path shows as catalog events. */
function dockerMarks({ kind, data }: Pick<EventEnvelope, 'kind' | 'data'>): Mark[] {
  const direct = (kind === 'system.docker.module.assigned' || kind === 'system.docker.module.unassigned') && data.via === 'instance';
  return direct || kind === 'system.docker.runtime.decommissioned' ? [{ kind: 'i', id: String(data.instance_id) }] : [];
}

function catalogMarks({ kind, data }: Pick<EventEnvelope, 'kind' | 'data'>): Mark[] {
  if (kind.startsWith('system.catalog.template.')) return [{ kind: 't', id: String(data.template_id) }];
  if (kind === 'system.catalog.instance.decommissioned') return [{ kind: 'i', id: String(data.instance_id) }];
  if (kind === 'system.catalog.module.published') return [{ kind: 'all', id: '' }];
  return [];
}

/**
 * A node peer's event concerns its instance (attached: a new interface); any network event concerns the
 * states holding an interface on that network (a peer came, went, or has a new key or endpoint). Access
 * grants and the hub change peer lists through network events too, which carry `network_id`.
 */
function sdwanMarks({ kind, data }: Pick<EventEnvelope, 'kind' | 'data'>): Mark[] {
  // A handshake time alone is in no one's peer list (keys, /128s and endpoints are): nothing to re-read.
  if (kind === 'system.sdwan.peer.endpoint_updated' && data.endpoint === undefined) return [];
  const marks: Mark[] = [];
  if (typeof data.node_instance_id === 'string') marks.push({ kind: 's', id: data.node_instance_id });
  if (typeof data.network_id === 'string') marks.push({ kind: 'n', id: data.network_id });
  return marks;
}
