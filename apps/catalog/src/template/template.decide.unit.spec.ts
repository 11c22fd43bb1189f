import type { NewEvent } from '@powernode/eventstore';
import { givenFor } from '@powernode/testing';
import type { ModuleFacts, TemplateCommand } from './template.commands.js';
import { templateDecider } from './template.decider.js';

const id = 'tpl-1';
const given = givenFor(templateDecider(id), id);

const created: NewEvent = { kind: 'system.catalog.template.created', data: { template_id: id, name: 'default' } };
const v1: ModuleFacts = { moduleId: 'mod-v1', name: 'docker-engine', version: '1.0.0', runtime: 'docker', status: 'live', blessed: false };
const v2: ModuleFacts = { ...v1, moduleId: 'mod-v2', version: '2.0.0' };
const assign = (module: ModuleFacts): TemplateCommand => ({ type: 'AssignModule', data: { module } });
const assigned = (m: ModuleFacts): NewEvent => ({
  kind: 'system.catalog.template.module_assigned',
  data: { template_id: id, module_id: m.moduleId, module_name: m.name, module_version: m.version, runtime: m.runtime },
});
const unassigned = (m: ModuleFacts): NewEvent => ({
  kind: 'system.catalog.template.module_unassigned',
  data: { template_id: id, module_id: m.moduleId, module_name: m.name, module_version: m.version },
});

describe('template decider', () => {
  it('creates a template once', () => {
    expect(given([]).when({ type: 'CreateTemplate', data: { templateId: id, name: 'default' } })()).toEqual([created]);
    expect(given([created]).when({ type: 'CreateTemplate', data: { templateId: id, name: 'default' } })).toThrow(expect.objectContaining({ code: 'Conflict' }));
  });

  it('assigns a live module, and assigning it again records nothing', () => {
    expect(given([created]).when(assign(v1))()).toEqual([assigned(v1)]);
    expect(given([created, assigned(v1)]).when(assign(v1))()).toEqual([]);
  });

  it('refuses a module that is neither live nor blessed with ModuleNotLive', () => {
    expect(given([created]).when(assign({ ...v1, status: 'published' }))).toThrow(expect.objectContaining({ code: 'ModuleNotLive' }));
    expect(given([created]).when(assign({ ...v1, status: 'published', blessed: true }))()).toEqual([assigned(v1)]);
  });

  it('replaces the assigned version of a module with another one', () => {
    expect(given([created, assigned(v1)]).when(assign(v2))()).toEqual([unassigned(v1), assigned(v2)]);
  });

  it('unassigns by id or name, and unassigning what is not assigned records nothing', () => {
    expect(given([created, assigned(v1)]).when({ type: 'UnassignModule', data: { moduleId: 'mod-v1' } })()).toEqual([unassigned(v1)]);
    expect(given([created, assigned(v1)]).when({ type: 'UnassignModule', data: { moduleName: 'docker-engine' } })()).toEqual([unassigned(v1)]);
    expect(given([created, assigned(v1), unassigned(v1)]).when({ type: 'UnassignModule', data: { moduleName: 'docker-engine' } })()).toEqual([]);
  });

  it('refuses an overlay runtime while an instance of the template has no SDWAN peer, naming them and the remedy', () => {
    const sut = given([created]).when({ type: 'AssignModule', data: { module: v1, unpeeredInstances: ['inst-a', 'inst-b'] } });
    expect(sut).toThrow(
      expect.objectContaining({
        code: 'MissingSdwanPeerError',
        message: expect.stringMatching(/inst-a, inst-b .*no SDWAN peer.*system_sdwan_attach_peer/),
        details: expect.objectContaining({ instance_ids: ['inst-a', 'inst-b'], remedy: 'system_sdwan_attach_peer' }),
      }),
    );
    const k3s: ModuleFacts = { ...v1, moduleId: 'mod-k3s', name: 'k3s', runtime: 'k3s-server' };
    expect(given([created]).when({ type: 'AssignModule', data: { module: k3s, unpeeredInstances: ['inst-a'] } })()).toEqual([assigned(k3s)]);
  });

  it('answers NotFound for a template that does not exist', () => {
    expect(given([]).when(assign(v1))).toThrow(expect.objectContaining({ code: 'NotFound' }));
    expect(given([]).when({ type: 'UnassignModule', data: { moduleId: 'mod-v1' } })).toThrow(expect.objectContaining({ code: 'NotFound' }));
  });
});
