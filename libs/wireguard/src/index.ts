export { generateWireguardKeyPair, isWireguardKey, wireguardPublicKey, type WireguardKeyPair } from './keys.js';
export { normalizeConfig, planWgSet, type WireguardInterfaceConfig, type WireguardPeerConfig } from './config.js';
export { parseWgDump, type WireguardPeerStatus, type WireguardStatus } from './dump.js';
export { canonicalEndpoint, canonicalPrefix } from './addresses.js';
export {
  ensureInterface,
  interfaceStatus,
  removeInterface,
  wireguardGoPid,
  type EnsureInterfaceResult,
  type InterfaceStatus,
  type WireguardBackend,
} from './wireguard-interface.js';
export { sweepWireguard, type SweepResult } from './sweep.js';
export { socketPath, WIREGUARD_SOCKET_DIR } from './uapi-socket.js';
export { CommandError } from './exec.js';
export { parseWgQuick, type WgQuickConfig } from './wg-quick.js';
