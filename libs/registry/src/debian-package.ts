import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** The installed version of a Debian package (`dpkg-query`), e.g. `1:1.35.0-4+deb12u1+b1`. */
export async function debianPackageVersion(name: string): Promise<string> {
  const { stdout } = await exec('dpkg-query', ['-W', '-f=${Version}', name]);
  const version = stdout.trim();
  if (version === '') throw new Error(`Debian package ${name} is not installed`);
  return version;
}

/** dpkg's name for this machine's architecture (`amd64`, `arm64`), which is also the OCI one for these. */
export async function debianArchitecture(): Promise<string> {
  return (await exec('dpkg', ['--print-architecture'])).stdout.trim();
}

/**
 * A Debian version as a Docker tag: tags allow only `[A-Za-z0-9_.-]`, so the epoch goes and `+`/`~`/`:`
 * become `_`. The full version stays in the image's labels.
 */
export function debianVersionTag(version: string): string {
  return version.replace(/^\d+:/, '').replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, 128);
}
