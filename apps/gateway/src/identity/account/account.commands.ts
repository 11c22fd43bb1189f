import type { Role } from '@powernode/contracts';

export type AccountCommand =
  | { type: 'CreateAccount'; data: { name: string; roles: Role[] } }
  | { type: 'IssueToken'; data: { tokenId: string; label: string; tokenSha256: string } }
  | { type: 'RevokeToken'; data: { tokenId: string } };
