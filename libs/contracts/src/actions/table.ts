import type { ActionDef } from './action.js';
import { identityCreateAccount, identityIssueToken, identityRevokeToken, identityWhoami } from './identity.actions.js';
import { platformProvisioningStatus, recentEvents, watchEvents } from './platform.actions.js';
import {
  systemAssignModuleToTemplate,
  systemBlessModule,
  systemCreateTemplate,
  systemDecommissionInstance,
  systemGetInstance,
  systemListInstances,
  systemListModules,
  systemListTemplates,
  systemPromoteModule,
  systemProvisionInstance,
  systemPublishModule,
  systemUnassignModuleFromTemplate,
  catalogRecordInstanceAgent,
} from './catalog.actions.js';
import { handshakeIssueBootstrapToken, systemListManagedDockerHosts, systemProvisionDockerRuntime } from './handshake.actions.js';
import * as sdwan from './sdwan.actions.js';
import * as docker from './docker.actions.js';
import { dockerRegistryStatus } from './registry.actions.js';
import { caGetChain, caGetCrl, caListCertificates, caRevokeCertificate, caSign, caStatus, dockerExportOperatorCert } from './ca.actions.js';

/** The one table of operator actions. HTTP routes, gRPC methods and MCP tools are generated from it. */
export const ACTIONS: readonly ActionDef[] = [
  platformProvisioningStatus,
  recentEvents,
  watchEvents,
  identityCreateAccount,
  identityIssueToken,
  identityRevokeToken,
  identityWhoami,
  caGetChain,
  caListCertificates,
  caRevokeCertificate,
  caGetCrl,
  dockerExportOperatorCert,
  systemListModules,
  systemPublishModule,
  systemPromoteModule,
  systemBlessModule,
  systemCreateTemplate,
  systemListTemplates,
  systemAssignModuleToTemplate,
  systemUnassignModuleFromTemplate,
  systemProvisionInstance,
  systemGetInstance,
  systemListInstances,
  systemDecommissionInstance,
  sdwan.systemSdwanCreateNetwork,
  sdwan.systemSdwanListNetworks,
  sdwan.systemSdwanListPeers,
  sdwan.systemSdwanGetPeer,
  sdwan.systemSdwanAttachPeer,
  sdwan.systemSdwanDetachPeer,
  sdwan.systemSdwanCreateAccessGrant,
  sdwan.systemSdwanIssueUserDevice,
  sdwan.systemSdwanRevokeAccessGrant,
  sdwan.systemSdwanListAccessGrants,
  systemProvisionDockerRuntime,
  systemListManagedDockerHosts,
  docker.systemDecommissionDockerRuntime,
  docker.dockerListHosts,
  docker.dockerGetHost,
  docker.dockerTestHost,
  docker.dockerSyncHost,
  docker.dockerListContainers,
  docker.dockerGetContainer,
  docker.dockerCreateContainer,
  docker.dockerStartContainer,
  docker.dockerStopContainer,
  docker.dockerRestartContainer,
  docker.dockerContainerLogs,
  docker.dockerDeleteContainer,
  docker.dockerListImages,
  docker.dockerPullImage,
  docker.dockerDeleteImage,
];

/** Service-to-service actions: served over NATS with the platform service token, never by the gateway. */
export const INTERNAL_ACTIONS: readonly ActionDef[] = [caSign, caStatus, catalogRecordInstanceAgent,
  handshakeIssueBootstrapToken,
  sdwan.sdwanReportNodeWireguard,
  sdwan.sdwanReportHubWireguard,
  sdwan.sdwanDesiredForInstance,
  sdwan.sdwanDesiredForHub,
  sdwan.sdwanInstancesWithoutPeer,
  dockerRegistryStatus,
];

const byName = new Map(ACTIONS.map((a) => [a.name, a]));

export function findAction(name: string): ActionDef | undefined {
  return byName.get(name);
}
