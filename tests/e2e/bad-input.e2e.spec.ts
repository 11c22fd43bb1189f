// Issue 10, item 3: a table of bad inputs through all four front doors (gateway HTTP, gRPC and MCP, and the
// agent-facing handshake API). Each is refused with its stable error code on the door's own status space (or, for
// unknown fields and replays the platform answers idempotently, has no effect), and none moves the event stream.
import { BAD_INPUTS, type BadInputCase } from './support/bad-inputs.js';
import { statusOf } from './support/bad-input-doors.js';
import { startBadInputPlatform, type BadInputPlatform } from './support/bad-input-platform.js';

const MIN_CASES = 60;

function countBy(key: (c: BadInputCase) => string): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const c of BAD_INPUTS) counts[key(c)] = (counts[key(c)] ?? 0) + 1;
  return counts;
}

describe('bad input at every front door', () => {
  let sut: BadInputPlatform;

  beforeAll(async () => {
    sut = await startBadInputPlatform();
    await sut.settle();
  }, 180_000);
  afterAll(() => sut?.destroy());

  it.each(BAD_INPUTS.map((c) => [`${c.door} ${c.kind}: ${c.name}`, c] as const))('%s', async (_title, c: BadInputCase) => {
    const before = await sut.lastSeq();
    const outcome = await c.call(sut);
    const answered = { status: outcome.status, code: outcome.code };
    if (c.expect === 'ignored') expect(answered).toEqual({ status: outcome.via === 'http' ? 200 : 0, code: undefined });
    else if (typeof c.expect === 'object') expect(answered).toEqual({ status: c.expect.grpcTransportStatus, code: undefined });
    else expect(answered).toEqual({ status: statusOf(outcome.via, c.expect), code: c.expect });
    expect(await sut.lastSeq()).toBe(before);
  });

  it(`has at least ${MIN_CASES} cases, on every door`, () => {
    const perDoor = countBy((c) => c.door);
    const perKind = countBy((c) => c.kind);
    console.log(`bad-input table: ${BAD_INPUTS.length} cases; per door ${JSON.stringify(perDoor)}; per kind ${JSON.stringify(perKind)}`);
    expect(BAD_INPUTS.length).toBeGreaterThanOrEqual(MIN_CASES);
    expect(Object.keys(perDoor).sort()).toEqual(['agent', 'grpc', 'http', 'mcp']);
    expect(new Set(BAD_INPUTS.map((c) => `${c.door} ${c.name}`)).size).toBe(BAD_INPUTS.length);
  });
});
