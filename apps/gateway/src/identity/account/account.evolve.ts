import type { EventEnvelope } from '@powernode/contracts';

export interface AccountState {
  exists: boolean;
  name: string;
  roles: string[];
  tokens: Map<string, { revoked: boolean }>;
}

export const initialAccountState = (): AccountState => ({ exists: false, name: '', roles: [], tokens: new Map() });

/** Folds an account's events into the state its decisions need. */
export function evolveAccount(state: AccountState, event: EventEnvelope): AccountState {
  const data = event.data as Record<string, never>;
  switch (event.kind) {
    case 'system.identity.account.created':
      return { ...state, exists: true, name: data.name, roles: data.roles };
    case 'system.identity.token.issued':
      return { ...state, tokens: new Map(state.tokens).set(data.token_id, { revoked: false }) };
    case 'system.identity.token.revoked':
      return { ...state, tokens: new Map(state.tokens).set(data.token_id, { revoked: true }) };
    default:
      return state;
  }
}
