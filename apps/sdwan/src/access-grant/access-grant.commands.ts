export interface NewGrant {
  grantId: string;
  networkId: string;
  peerId: string;
  deviceName: string;
  overlayAddress: string;
  expiresAt: string;
  delivery: 'config' | 'bootstrap';
  publicKey?: string;
  tokenSha256?: string;
  bootstrapExpiresAt?: string;
}

export type AccessGrantCommand =
  | { type: 'CreateGrant'; data: NewGrant }
  /** The bootstrap URL's first fetch: the device key pair is made now, only its public key recorded. */
  | { type: 'RedeemGrant'; data: { publicKey: string; now: string } }
  | { type: 'RevokeGrant'; data: { reason?: string } }
  | { type: 'ExpireGrant'; data: { now: string } };
