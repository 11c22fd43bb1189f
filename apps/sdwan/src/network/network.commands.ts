import type { PeerRole } from '@powernode/contracts';

export interface NewPeer {
  peerId: string;
  role: PeerRole;
  nodeInstanceId?: string;
  grantId?: string;
  deviceName?: string;
  publicKey?: string;
}

/** Time and random candidates come in with the command: `decide` stays pure. */
export type NetworkCommand =
  | { type: 'CreateNetwork'; data: { networkId: string; name: string; prefix: string; owner: string; hubAddress: string; hubPublicKey?: string } }
  /** `candidates`: random /128s of the network; the first one neither in use nor quarantined is taken. */
  | { type: 'AttachPeer'; data: { peer: NewPeer; candidates: string[]; now: string } }
  | { type: 'DetachPeer'; data: { peerId: string; now: string; quarantineSeconds: number; reason?: string } }
  | { type: 'ReportKey'; data: { peerId: string; publicKey: string } }
  | { type: 'UpdateEndpoint'; data: { peerId: string; endpoint?: string; latestHandshakeAt?: string } }
  /** A node's whole report in one commit: peers learn its key and where to reach it together. */
  | { type: 'ReportPeer'; data: { peerId: string; publicKey: string; endpoint?: string; latestHandshakeAt?: string } };
