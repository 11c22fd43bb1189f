import { moduleIdFor, newInstanceId, templateIdFor } from './ids.js';

describe('catalog ids', () => {
  it('derives module ids from name and version, stably and distinctly', () => {
    expect(moduleIdFor('docker-engine', '1.0.0')).toBe(moduleIdFor('docker-engine', '1.0.0'));
    expect(moduleIdFor('docker-engine', '1.0.0')).not.toBe(moduleIdFor('docker-engine', '1.0.1'));
    expect(moduleIdFor('docker-engine', '1.0.0')).toMatch(/^mod-[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('derives template ids from the name', () => {
    expect(templateIdFor('default')).toBe(templateIdFor('default'));
    expect(templateIdFor('default')).toMatch(/^tpl-[0-9a-f-]{36}$/);
    expect(templateIdFor('default')).not.toBe(templateIdFor('edge'));
  });

  it('makes short random instance ids', () => {
    expect(newInstanceId()).toMatch(/^inst-[0-9a-f]{8}$/);
    expect(newInstanceId()).not.toBe(newInstanceId());
  });
});
