import { homedir } from 'node:os';
import { dockerTlsArgs, runDocker, writeOperatorCert } from './docker-cli.js';
import { LaptopDevice } from './laptop.js';
import type { Step } from './tutorial-context.js';
import { waitFor } from './wait.js';

interface ContainerSummary {
  id: string;
  name: string;
  image: string;
  status: string;
}

export const viaMcp: Step = {
  title: 'Verification — via MCP',
  async run({ platform, state, printer }) {
    const mine = (answer: { containers: ContainerSummary[] }) => answer.containers.find((c) => c.name === state.containerName || c.id === state.containerId);
    await waitFor(`${state.containerName} Up`, async () => /^Up /.test(mine(await platform.raw('docker_list_containers', { host_id: state.hostId }))?.status ?? ''), 30_000);
    const answer = await platform.call('docker_list_containers', { host_id: state.hostId });
    printer.note(`${state.containerName}: ${mine(answer)!.status}`);
  },
};

export const viaCurl: Step = {
  title: 'Verification — via container HTTP from an operator laptop on the same network',
  async run({ platform, state, printer, options }) {
    const { grant, wireguard_config } = await platform.call('system_sdwan_create_access_grant', { network_id: state.networkId, device_name_hint: 'ops-laptop' });
    state.grantId = grant.id;
    state.laptop = await LaptopDevice.create({ prefix: options.laptopPrefix });
    state.laptopNamespace = state.laptop.namespace;
    const wg = await state.laptop.join(wireguard_config);
    printer.note(`laptop: namespace ${state.laptop.namespace} on the underlay, ${wg} up with the granted config (${grant.overlay_address})`);
    const url = `http://[${state.overlay}]:8080`;
    printer.note(`curl ${url}`);
    const laptop = state.laptop;
    const page = await waitFor(`${url} from the laptop`, async () => {
      const answer = await laptop.curl(url);
      return answer.status === 200 ? answer : undefined;
    }, 30_000);
    state.page = page;
    printer.note(`HTTP ${page.status}: ${page.body.replace(/\s+/g, ' ').trim().slice(0, 120)}`);
  },
};

export const viaDockerCli: Step = {
  title: 'Verification — via Docker CLI with the exported operator certificate',
  async run({ platform, state, printer, options }) {
    const cert = await platform.call('docker_export_operator_cert', { ttl: '1h' });
    const files = await writeOperatorCert(options.operatorDir, cert);
    printer.note(`wrote ${files.ca}, ${files.cert}, ${files.key} (0600)`);
    const endpoint = state.apiEndpoint ?? `tcp://[${state.overlay}]:2376`;
    const shown = (path: string) => path.replace(homedir(), '~');
    printer.note(`docker ${dockerTlsArgs({ ca: shown(files.ca), cert: shown(files.cert), key: shown(files.key) }, endpoint, ['ps']).join(' ')}`);
    const out = await waitFor('docker ps to list the container', async () => {
      const stdout = await runDocker(files, endpoint, ['ps']);
      if (!stdout.includes(state.containerName)) throw new Error(`docker ps did not list ${state.containerName}: ${stdout.trim()}`);
      return stdout;
    }, 20_000);
    state.dockerPs = out;
    for (const line of out.trimEnd().split('\n')) printer.note(line.replace(/\s{2,}/g, '  '));
  },
};

export const VERIFICATIONS: Step[] = [viaMcp, viaCurl, viaDockerCli];
