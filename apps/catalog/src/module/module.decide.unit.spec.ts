import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { ModuleCommand } from './module.commands.js';
import { moduleDecider } from './module.decider.js';

const id = 'mod-1';
const given = givenFor(moduleDecider(id), id);

const publish: ModuleCommand = { type: 'PublishModule', data: { moduleId: id, name: 'docker-engine', version: '1.0.0', runtime: 'docker', config: { port: 2376 } } };
const published: NewEvent = {
  kind: 'system.catalog.module.published',
  data: { module_id: id, name: 'docker-engine', version: '1.0.0', runtime: 'docker', config: { port: 2376 } },
};
const promoted: NewEvent = { kind: 'system.catalog.module.promoted', data: { module_id: id, name: 'docker-engine', version: '1.0.0', from: 'published', to: 'live' } };
const bless: ModuleCommand = { type: 'BlessModule', data: { reason: 'hotfix under test', blessedBy: 'operator:alice' } };
const blessed: NewEvent = {
  kind: 'system.catalog.module.blessed',
  data: { module_id: id, name: 'docker-engine', version: '1.0.0', reason: 'hotfix under test', blessed_by: 'operator:alice' },
};

describe('module decider', () => {
  it('publishes a name + version once', () => {
    expect(given([]).when(publish)()).toEqual([published]);
    expect(given([published]).when(publish)).toThrow(expect.objectContaining({ code: 'Conflict' }));
  });

  it('promotes a published module to live once, then records nothing', () => {
    expect(given([published]).when({ type: 'PromoteModule' })()).toEqual([promoted]);
    expect(given([published, promoted]).when({ type: 'PromoteModule' })()).toEqual([]);
    expect(given([]).when({ type: 'PromoteModule' })).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });

  it('blesses a module that is not live with the reason and who blessed it, once', () => {
    expect(given([published]).when(bless)()).toEqual([blessed]);
    expect(given([published, blessed]).when(bless)()).toEqual([]);
    expect(given([published, promoted]).when(bless)()).toEqual([]);
    expect(given([]).when(bless)).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
