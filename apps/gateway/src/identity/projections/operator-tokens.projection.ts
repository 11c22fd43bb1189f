import type { Projection } from '@powernode/eventstore';

export interface OperatorTokenRow extends Record<string, unknown> {
  token_id: string;
  account_id: string;
  label: string;
  token_sha256: string;
  revoked: boolean;
}

/** Token hashes (never tokens) and whether they still work. */
export const operatorTokensProjection: Projection<OperatorTokenRow> = {
  name: 'operator_tokens',
  version: 1,
  canHandle: ['system.identity.token.issued', 'system.identity.token.revoked'],
  keyOf: (event) => String(event.data.token_id),
  evolve: (row, event) => {
    if (event.kind === 'system.identity.token.revoked') return row && { ...row, revoked: true };
    const data = event.data as { token_id: string; account_id: string; label: string; token_sha256: string };
    return { ...data, revoked: false };
  },
};
