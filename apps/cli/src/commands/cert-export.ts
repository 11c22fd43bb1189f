import { resolve } from 'node:path';
import { checkDuration, stringValue } from '../args.js';
import { exportOperatorCert, OPERATOR_FILES } from '../cert-files.js';
import { configDir } from '../config.js';
import { printJson, type Command } from './command.js';

export const certExport: Command = {
  name: 'cert export',
  usage: 'cert export [--ttl 8h] [--dir ~/.powernode]',
  summary: 'docker_export_operator_cert: writes operator-ca.pem, operator-cert.pem and operator-key.pem (0600)',
  options: { ttl: { type: 'string' }, dir: { type: 'string' } },
  async run(ctx) {
    const ttl = stringValue(ctx.args, 'ttl');
    if (ttl) checkDuration('ttl', ttl, 'smh');
    const dirFlag = stringValue(ctx.args, 'dir');
    const dir = dirFlag ? resolve(ctx.io.cwd, dirFlag.replace(/^~(?=$|\/)/, ctx.io.home)) : configDir(ctx.io);
    const exported = await exportOperatorCert(ctx.client(), dir, OPERATOR_FILES, ttl);
    if (ctx.json) return printJson(ctx, exported);
    ctx.out(`Wrote ${exported.files.ca}, ${exported.files.cert} and ${exported.files.key} (serial ${exported.serial}, valid until ${exported.not_after})\n`);
  },
};
