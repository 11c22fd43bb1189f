// Version order is a contract (the handshake picks the highest docker-engine too): one implementation.
export { compareModuleVersions as compareVersions, highestModuleVersion as highestVersion } from '@powernode/contracts';
