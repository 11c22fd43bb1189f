import { agentProtocol } from '@powernode/contracts';
import { clientCertChain, rootOf, type AgentIdentity } from './identity.js';
import { PlatformClient } from './platform-client.js';

/** How long a runtime handshake call may take: the platform's `ready` pings the daemon over the overlay first. */
const RUNTIME_HANDSHAKE_TIMEOUT_MS = 30_000;

/** What runtime reconcilers need from the platform: the handshake, spoken with the agent's current identity. */
export interface RuntimePlatformPort {
  runtimeHandshake(body: agentProtocol.RuntimeHandshakeRequest, signal: AbortSignal): Promise<agentProtocol.RuntimeHandshakeResponse>;
  /** The identity as it is now (it renews): a daemon's ping presents its cert and trusts its root. */
  identity(): AgentIdentity;
}

/**
 * The agent's current identity and the mTLS client built from it. Renewal swaps both at once, so everything
 * that talks to the platform through the session (the heartbeat, runtime reconcilers) uses the new
 * certificate from then on instead of a client captured before the renewal.
 */
export class PlatformSession implements RuntimePlatformPort {
  private current: { identity: AgentIdentity; client: PlatformClient };

  constructor(
    private readonly platformUrl: URL,
    identity: AgentIdentity,
  ) {
    this.current = { identity, client: this.clientFor(identity) };
  }

  identity(): AgentIdentity {
    return this.current.identity;
  }

  get client(): PlatformClient {
    return this.current.client;
  }

  /** Uses `identity` from now on; requests in flight on the old client fail and are retried by their callers. */
  replace(identity: AgentIdentity): void {
    const previous = this.current.client;
    this.current = { identity, client: this.clientFor(identity) };
    previous.close();
  }

  runtimeHandshake(body: agentProtocol.RuntimeHandshakeRequest, signal: AbortSignal): Promise<agentProtocol.RuntimeHandshakeResponse> {
    return this.current.client.postJson(agentProtocol.AGENT_PATHS.runtimeHandshake, body, agentProtocol.runtimeHandshakeResponse, {
      signal,
      timeoutMs: RUNTIME_HANDSHAKE_TIMEOUT_MS,
    });
  }

  close(): void {
    this.current.client.close();
  }

  private clientFor(identity: AgentIdentity): PlatformClient {
    return new PlatformClient(this.platformUrl, {
      kind: 'pinned',
      rootPem: rootOf(identity),
      client: { keyPem: identity.keyPem, certChainPem: clientCertChain(identity) },
    });
  }
}
