// Output shapes of the actions the CLI calls, straight from the contracts (type-only: nothing of them loads at run time).
import type { caActions, dockerActions, identityActions, platformActions, sdwanActions } from '@powernode/contracts';
import type { z } from 'zod';

type OutputOf<A extends { output: z.ZodType }> = z.output<A['output']>;

export type Whoami = OutputOf<typeof identityActions.identityWhoami>;
export type ProvisioningStatus = OutputOf<typeof platformActions.platformProvisioningStatus>;
export type RecentEvents = OutputOf<typeof platformActions.recentEvents>;
export type EventSummary = OutputOf<typeof platformActions.watchEvents>;
export type HostList = OutputOf<typeof dockerActions.dockerListHosts>;
export type DockerHost = HostList['hosts'][number];
export type HostSnapshot = OutputOf<typeof dockerActions.dockerGetHost>;
export type ContainerList = OutputOf<typeof dockerActions.dockerListContainers>;
export type ContainerCreated = OutputOf<typeof dockerActions.dockerCreateContainer>;
export type ContainerDeleted = OutputOf<typeof dockerActions.dockerDeleteContainer>;
export type ImagePulled = OutputOf<typeof dockerActions.dockerPullImage>;
export type OperatorCert = OutputOf<typeof caActions.dockerExportOperatorCert>;
export type AccessGrant = OutputOf<typeof sdwanActions.systemSdwanCreateAccessGrant>;
