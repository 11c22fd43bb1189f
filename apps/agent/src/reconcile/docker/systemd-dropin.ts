import { SYSTEM_DAEMON_JSON } from './docker-paths.js';

export const SYSTEMD_DROPIN_DIR = '/etc/systemd/system/docker.service.d';
export const SYSTEMD_DROPIN_PATH = `${SYSTEMD_DROPIN_DIR}/powernode.conf`;

/**
 * The packaged unit starts `dockerd -H fd://`; with `hosts` in daemon.json dockerd refuses to start ("the
 * following directives are specified both as a flag and in the configuration file: hosts"). The empty
 * `ExecStart=` clears the packaged command (systemd appends otherwise) so the daemon takes its listeners from
 * daemon.json only.
 */
export function systemdDropin(dockerdPath: string, daemonJson: string = SYSTEM_DAEMON_JSON): string {
  const configFlag = daemonJson === SYSTEM_DAEMON_JSON ? '' : ` --config-file ${daemonJson}`;
  return [
    '# Written by powernode-agent. dockerd takes its listeners from daemon.json ("hosts"); the packaged',
    '# ExecStart passes -H fd://, which conflicts with them and keeps dockerd from starting.',
    '[Service]',
    'ExecStart=',
    `ExecStart=${dockerdPath}${configFlag}`,
    '',
  ].join('\n');
}
