import { join } from 'node:path';
import { DOCKER_FILES, exportOperatorCert } from '../cert-files.js';
import { configDir } from '../config.js';
import { CliError, usageError } from '../errors.js';
import type { DockerHost, HostSnapshot } from '../types.js';
import { printJson, type Command } from './command.js';

export const dockerEnv: Command = {
  name: 'docker env',
  usage: 'docker env <host-id>',
  summary: 'a fresh operator certificate in ~/.powernode/docker/<host-id>/ and the DOCKER_* exports for the Docker CLI',
  options: {},
  async run(ctx) {
    const [hostId, ...extra] = ctx.args.positionals;
    if (!hostId || extra.length) throw usageError(`usage: powernode ${dockerEnv.usage}`);
    const client = ctx.client();
    const { host } = await client.call<HostSnapshot>('docker_get_host', { host_id: hostId });
    const dockerHost = dockerHostUrl(host);
    const exported = await exportOperatorCert(client, join(configDir(ctx.io), 'docker', host.id), DOCKER_FILES);
    if (ctx.json) return printJson(ctx, { DOCKER_HOST: dockerHost, DOCKER_TLS_VERIFY: '1', DOCKER_CERT_PATH: exported.dir, not_after: exported.not_after });
    ctx.out(renderDockerEnv(dockerHost, exported.dir, host.id));
  },
};

/** The daemon's address on the overlay; the host reports it as api_endpoint, or at least its overlay /128. */
export function dockerHostUrl(host: Pick<DockerHost, 'id' | 'api_endpoint' | 'overlay_address'>): string {
  if (host.api_endpoint) return host.api_endpoint;
  if (host.overlay_address) return `tcp://[${host.overlay_address}]:2376`;
  throw new CliError('Conflict', `${host.id} has no overlay address yet`);
}

/** `docker-machine env`'s format: exports a shell can eval, then how to use them. */
export function renderDockerEnv(dockerHost: string, certPath: string, hostId: string): string {
  const quote = (s: string) => `"${s.replace(/(["\\$`])/g, '\\$1')}"`;
  return [
    `export DOCKER_HOST=${quote(dockerHost)}`,
    `export DOCKER_TLS_VERIFY="1"`,
    `export DOCKER_CERT_PATH=${quote(certPath)}`,
    '# Run this command to configure your shell:',
    `# eval $(powernode docker env ${hostId})`,
    '',
  ].join('\n');
}
