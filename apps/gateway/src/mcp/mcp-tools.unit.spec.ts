import { ACTIONS } from '@powernode/contracts';
import { toolsOf } from './mcp-tools.js';

describe(toolsOf.name, () => {
  it('makes one tool per unary action, named as the action, with object schemas', () => {
    const sut = toolsOf(ACTIONS);
    expect(sut.map((t) => t.name).sort()).toEqual(ACTIONS.filter((a) => !a.streaming).map((a) => a.name).sort());
    expect(sut.map((t) => t.name)).not.toContain('watch_events');
    const recent = sut.find((t) => t.name === 'recent_events')!;
    expect(recent.inputSchema.type).toBe('object');
    expect(recent.inputSchema.properties).toHaveProperty('limit');
    expect(recent.outputSchema?.properties).toHaveProperty('events');
  });
});
