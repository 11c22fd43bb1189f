import { z } from 'zod';
import { instanceId } from '../events/catalog.events.js';
import { defineAction } from './action.js';

/** Internal: a single-use bootstrap token for an instance's agent (older unused ones stop working). */
export const handshakeIssueBootstrapToken = defineAction({
  name: 'handshake_issue_bootstrap_token',
  description: "A bootstrap token (pnb1.<CA root SHA-256>.<secret>) for an instance's agent; platform services only.",
  service: 'handshake',
  permission: 'system.catalog_admin',
  mutating: true,
  internal: true,
  input: z.object({ instance_id: instanceId }),
  output: z.object({ token: z.string(), expires_at: z.string() }),
});
