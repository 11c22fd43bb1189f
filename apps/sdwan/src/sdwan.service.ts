import { AccessGrantService } from './access-grant/access-grant.service.js';
import { InstallationService } from './installation/installation.service.js';
import { NetworkService } from './network/network.service.js';
import type { SdwanRuntime } from './runtime.js';

/** The sdwan service's use cases, one service per aggregate. */
export class SdwanService {
  readonly installation: InstallationService;
  readonly networks: NetworkService;
  readonly grants: AccessGrantService;

  constructor(runtime: SdwanRuntime) {
    this.installation = new InstallationService(runtime);
    this.networks = new NetworkService(runtime, this.installation);
    this.grants = new AccessGrantService(runtime, this.networks);
  }
}
