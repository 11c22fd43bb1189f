import { ACTIONS } from '@powernode/contracts';
import { buildOpenApiDocument } from './openapi.js';

describe(buildOpenApiDocument.name, () => {
  const sut = buildOpenApiDocument(ACTIONS, '1.2.3') as { openapi: string; paths: Record<string, { post: Record<string, any> }> };

  it('has one POST route per action, with its permission and schemas', () => {
    expect(sut.openapi).toBe('3.1.0');
    expect(Object.keys(sut.paths).sort()).toEqual(ACTIONS.map((a) => `/api/v1/actions/${a.name}`).sort());
    const recent = sut.paths['/api/v1/actions/recent_events']!.post;
    expect(recent['x-permission']).toBe('system.events_read');
    expect(recent.requestBody.content['application/json'].schema.properties).toHaveProperty('kind_prefix');
    expect(recent.responses['200'].content['application/json'].schema.properties).toHaveProperty('events');
    expect(recent.responses['403']).toBeDefined();
  });

  it('describes streaming actions as server-sent events', () => {
    const watch = sut.paths['/api/v1/actions/watch_events']!.post;
    expect(Object.keys(watch.responses['200'].content)).toEqual(['text/event-stream']);
  });
});
