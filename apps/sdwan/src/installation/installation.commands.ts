export type InstallationCommand =
  | { type: 'DecidePrefix'; data: { prefix: string } }
  /** `candidates` are /64s to try in order (random subnets, or the operator's explicit one alone). */
  | { type: 'AllocateSubnet'; data: { networkId: string; candidates: string[]; explicit: boolean } }
  | { type: 'ReportHub'; data: { publicKey: string; endpoint?: string } };
