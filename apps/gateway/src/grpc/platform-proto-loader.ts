import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import { renderPlatformProto, type ActionDef } from '@powernode/contracts';

/** Loader options the Platform codec expects (plain numbers for int64, arrays always present). */
export const PLATFORM_PROTO_LOADER_OPTIONS: Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: true,
  oneofs: true,
};

/** File name the proto is served under (reflection shows it); matches libs/contracts/proto/platform.proto. */
export const PLATFORM_PROTO_FILE = 'platform.proto';

/**
 * Loads the Platform proto rendered from `actions` at boot, so the server always serves the table it
 * runs (the committed copy is for clients). proto-loader only reads files, hence the scratch dir;
 * google/protobuf/struct.proto is built into protobufjs.
 */
export function loadPlatformPackageDefinition(actions: readonly ActionDef[]): PackageDefinition {
  const dir = mkdtempSync(join(tmpdir(), 'powernode-proto-'));
  try {
    writeFileSync(join(dir, PLATFORM_PROTO_FILE), renderPlatformProto(actions));
    return loadSync(PLATFORM_PROTO_FILE, { ...PLATFORM_PROTO_LOADER_OPTIONS, includeDirs: [dir] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
