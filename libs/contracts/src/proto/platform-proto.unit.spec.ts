import { readFileSync, writeFileSync } from 'node:fs';
import { ACTIONS } from '../actions/table.js';
import { PLATFORM_PROTO_REGENERATE, renderPlatformProto } from './render-platform-proto.js';

// Jest runs from the repo root (see jest.config.ts).
const COMMITTED = 'libs/contracts/proto/platform.proto';

describe('platform.proto', () => {
  const sut = renderPlatformProto(ACTIONS);

  if (process.env['UPDATE_PROTO'] === '1') {
    it('is rewritten from the action table (UPDATE_PROTO=1)', () => {
      writeFileSync(COMMITTED, sut);
      expect(readFileSync(COMMITTED, 'utf8')).toBe(sut);
    });
    return;
  }

  it('equals renderPlatformProto(ACTIONS)', () => {
    let committed: string;
    try {
      committed = readFileSync(COMMITTED, 'utf8');
    } catch {
      throw new Error(`${COMMITTED} is missing. Regenerate it with: ${PLATFORM_PROTO_REGENERATE}`);
    }
    if (committed !== sut) {
      throw new Error(`${COMMITTED} is stale: the action table changed. Regenerate it with: ${PLATFORM_PROTO_REGENERATE}`);
    }
  });

  it('has one rpc per action', () => {
    expect(sut.match(/^ {2}rpc /gm)).toHaveLength(ACTIONS.length);
  });

  it('is deterministic', () => {
    expect(renderPlatformProto(ACTIONS)).toBe(sut);
  });
});
