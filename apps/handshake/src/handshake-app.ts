import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import type { MicroserviceOptions } from '@nestjs/microservices';
import { ActionServer, Lease, PinoNestLogger, createLogger, type Logger } from '@powernode/service-kit';
import { AgentCertificates } from './agent/agent-certificates.js';
import { AgentService } from './agent/agent.service.js';
import type { HandshakeConfig } from './config.js';
import { DesiredStateReader } from './desired/desired-state.reader.js';
import { DOCKER_SETTINGS } from './docker/docker-settings.js';
import { DaemonCertIssuer } from './docker/handshake/daemon-cert-issuer.js';
import { DaemonCertificates } from './docker/handshake/daemon-certificates.js';
import { RuntimeHandshakeService } from './docker/handshake/runtime-handshake.service.js';
import { DockerHosts, PlatformDockerClient } from '@powernode/docker-host';
import { DockerAssignmentPolicy } from './docker/policy/assignment-policy.js';
import { DockerProvisioning } from './docker/provisioning/docker-provisioning.service.js';
import { LongPoll } from './desired/long-poll.js';
import { handshakeHandlers } from './handlers.js';
import { HandshakeModule } from './handshake.module.js';
import { Admission } from './http/admission.js';
import { createAgentServer } from './http/agent-server.js';
import { keepServerIdentityFresh } from './http/renew-server-identity.js';
import { obtainServerIdentity } from './http/server-identity.js';
import { Liveness } from './liveness/liveness.js';
import { startHandshakeRuntime, type HandshakeRuntime } from './runtime.js';
import { WireguardRelay } from './sdwan/wireguard-relay.js';
import { BootstrapTokens } from './tokens/bootstrap-tokens.js';

export interface RunningHandshake {
  runtime: HandshakeRuntime;
  /** `https://<host>:<port>` of the agent-facing server. */
  url: string;
  port: number;
  close(): Promise<void>;
}

/** The handshake service: agent-facing HTTPS (enrol, heartbeat, renew, runtime handshake) and its actions over NATS. */
export async function startHandshake(config: HandshakeConfig, logger: Logger = createLogger('handshake', config.LOG_LEVEL)): Promise<RunningHandshake> {
  const runtime = await startHandshakeRuntime(config, logger);
  const stops: (() => Promise<void> | void)[] = [() => runtime.close()];
  const close = async () => {
    for (const stop of stops.reverse()) await stop();
  };
  try {
    let identity = await obtainServerIdentity(runtime.rpc, logger);
    const current = () => identity;
    const schema = config.DATABASE_SCHEMA;
    // One replica at a time runs the periodic sweeps (liveness → offline, docker assignment); released after they stopped.
    const lease = new Lease({ db: runtime.db, schema, name: 'leader', logger });
    await lease.start();
    stops.push(() => lease.stop());
    const isLeader = () => lease.isHeld();
    const tokens = new BootstrapTokens(runtime.db, schema, config.BOOTSTRAP_TOKEN_TTL_S);
    const reader = new DesiredStateReader(runtime);
    const longPoll = new LongPoll(runtime, reader);
    const liveness = new Liveness(runtime, () => longPoll.heldInstances(), isLeader);
    const relay = new WireguardRelay(runtime);
    const agentCertificates = new AgentCertificates(runtime.db, schema);
    const agents = new AgentService(runtime, current, tokens, agentCertificates, reader, longPoll, liveness, relay);
    const hosts = new DockerHosts(runtime);
    const policy = new DockerAssignmentPolicy(runtime, hosts, isLeader);
    await policy.start();
    stops.push(() => policy.stop());
    const issuer = new DaemonCertIssuer(runtime.rpc, new DaemonCertificates(runtime.db, schema), DOCKER_SETTINGS.hostDomain, config.DOCKER_DAEMON_CERT_TTL_S);
    const runtimes = new RuntimeHandshakeService(runtime, agentCertificates, reader, hosts, policy, issuer, new PlatformDockerClient(runtime.rpc, logger, 'handshake'));
    const provisioning = new DockerProvisioning(runtime, reader, hosts);
    longPoll.start();
    liveness.start();
    stops.push(() => liveness.stop());
    // Runs once the server closed (no new reports) and before NATS closes: relays under way finish.
    stops.push(() => relay.stop());
    const server = createAgentServer(current, agents, runtimes, new Admission(config.AGENT_MAX_CONCURRENT, config.AGENT_MAX_WAIT_MS), logger);
    server.listen(config.HANDSHAKE_PORT, config.HANDSHAKE_HOST);
    await once(server, 'listening');
    stops.push(async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      server.closeAllConnections();
      await closed;
    });
    // Runs before the server closes: held heartbeats get an answer instead of a reset.
    stops.push(() => longPoll.stop());
    stops.push(keepServerIdentityFresh(server, runtime.rpc, logger, current, (next) => (identity = next)));
    const app = await NestFactory.createMicroservice<MicroserviceOptions>(HandshakeModule, {
      strategy: new ActionServer({
        natsUrl: config.NATS_URL,
        rpcPrefix: config.RPC_SUBJECT_PREFIX,
        service: 'handshake',
        handlers: handshakeHandlers(tokens, current, provisioning),
        logger,
        serviceToken: config.PLATFORM_SERVICE_TOKEN,
      }),
      logger: new PinoNestLogger(logger),
    });
    await app.listen();
    stops.push(() => app.close());
    const { port } = server.address() as AddressInfo;
    const host = config.HANDSHAKE_HOST.includes(':') ? `[${config.HANDSHAKE_HOST}]` : config.HANDSHAKE_HOST;
    return { runtime, url: `https://${host}:${port}`, port, close };
  } catch (error) {
    await close();
    throw error;
  }
}
