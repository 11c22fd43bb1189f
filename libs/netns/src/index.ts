export {
  addressesFor,
  createAddressPlan,
  formatIpv4,
  formatIpv6,
  gatewayAddresses,
  indexOfAddress,
  lowestFreeIndex,
  parseIpv4,
  parseIpv6,
  V4_SUBNET_LENGTH,
  V6_SUBNET_LENGTH,
  type AddressPlan,
  type GatewayAddresses,
  type InstanceAddresses,
} from './address-plan.js';
export { enableInterfaceForwarding } from './forwarding.js';
export { ip, ipFailedWith, ipTolerating, linkExists, listLinks, listNamespaces, namespaceExists, namespacePids } from './ip.js';
export { assertInstanceId, assertPrefix, escapeRegExp, gatewayNameOf, MAX_IFNAME, namesFor, shortIdOf, type InstanceNames } from './names.js';
export { createUnderlay, deleteUnderlay, underlayIntact, type UnderlayCreated } from './underlay.js';
