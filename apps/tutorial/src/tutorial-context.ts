import type { LaptopDevice } from './laptop.js';
import type { PlatformSession } from './platform-session.js';
import type { Printer } from './printer.js';

export interface TutorialOptions {
  /** The gateway, e.g. http://127.0.0.1:8080 (MCP at `<url>/mcp`). */
  url: string;
  /** An operator bearer token (admin: the walk creates templates, networks and instances). */
  token: string;
  /** Leave everything in place (no Cleanup). */
  keep?: boolean;
  /** Where the operator certificate is written (`~/.powernode`). */
  operatorDir: string;
  /** Name prefix of the laptop's namespace and links. */
  laptopPrefix: string;
  /** How long the daemon gets to come up (Steps 2–3). */
  onboardingTimeoutMs?: number;
}

/** What the walk created, filled in as it goes; Cleanup removes what is set. */
export interface TutorialState {
  tag: string;
  image?: string;
  templateId?: string;
  instanceId?: string;
  networkId?: string;
  overlay?: string;
  hostId?: string;
  apiEndpoint?: string;
  containerName: string;
  containerId?: string;
  containerCreated?: boolean;
  imagePulled?: boolean;
  moduleAssigned?: boolean;
  runtimeDecommissioned?: boolean;
  grantId?: string;
  laptop?: LaptopDevice;
  laptopNamespace?: string;
  dockerPs?: string;
  page?: { status: number; body: string };
}

export interface StepContext {
  platform: PlatformSession;
  printer: Printer;
  options: TutorialOptions;
  state: TutorialState;
}

/** One titled part of the walk. */
export interface Step {
  title: string;
  run(ctx: StepContext): Promise<void>;
}
