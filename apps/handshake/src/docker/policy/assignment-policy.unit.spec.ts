import type { EventEnvelope } from '@powernode/contracts';
import { initialDockerHostState } from '@powernode/docker-host';
import { hostMatches, planFor, samePlan } from './assignment-plan.js';
import { assignmentPolicyProjection, type PolicyInstanceRow, type PolicyRow, type PolicyTemplateRow } from './assignment-policy.projection.js';

let seq = 0;
const event = (kind: string, data: Record<string, unknown>): EventEnvelope => ({
  id: `00000000-0000-4000-8000-${String((seq += 1)).padStart(12, '0')}`,
  kind,
  schema: 1,
  aggregate_id: 'x',
  aggregate_version: 1,
  occurred_at: '2026-01-01T00:00:00.000Z',
  actor: 'test',
  correlation_id: 'c',
  causation_id: null,
  traceparent: null,
  data,
});

/** Feeds events through the projection, one row per key, as the runner would. */
function project(events: EventEnvelope[]): Map<string, PolicyRow> {
  const rows = new Map<string, PolicyRow>();
  for (const e of events) {
    const key = assignmentPolicyProjection.keyOf(e);
    const next = assignmentPolicyProjection.evolve(rows.get(key) ?? null, e, { seq: 1, index: 0 });
    if (next) rows.set(key, next);
    else rows.delete(key);
  }
  return rows;
}

const assigned = (moduleId: string, name: string, runtime = 'docker') =>
  event('system.catalog.template.module_assigned', { template_id: 'tpl-1', module_id: moduleId, module_name: name, module_version: '1.0.0', runtime });
const unassigned = (moduleId: string, name: string) => event('system.catalog.template.module_unassigned', { template_id: 'tpl-1', module_id: moduleId, module_name: name, module_version: '1.0.0' });
const provisioned = event('system.catalog.instance.provisioned', { instance_id: 'inst-1', template_id: 'tpl-1', name: 'a', provider: 'local' });
const decommissioned = event('system.catalog.instance.decommissioned', { instance_id: 'inst-1' });

const planOf = (rows: Map<string, PolicyRow>) => planFor(rows.get('i:inst-1') as PolicyInstanceRow | undefined, rows.get('t:tpl-1') as PolicyTemplateRow | undefined);

describe('docker assignment policy', () => {
  it('plans the template’s docker module for its live instances, whichever came first', () => {
    const module = { moduleId: 'mod-d1', moduleName: 'docker-engine', moduleVersion: '1.0.0', templateId: 'tpl-1' };
    expect(planOf(project([assigned('mod-d1', 'docker-engine'), provisioned]))).toEqual({ kind: 'assign', module });
    expect(planOf(project([provisioned, assigned('mod-d1', 'docker-engine')]))).toEqual({ kind: 'assign', module });
    expect(planOf(project([provisioned, assigned('mod-k', 'k3s', 'k3s-server')]))).toEqual({ kind: 'unassign' });
    expect(planOf(project([assigned('mod-d1', 'docker-engine')]))).toEqual({ kind: 'none' });
  });

  it('follows a version replaced in one commit, an unassignment, and a decommission', () => {
    const replaced = project([provisioned, assigned('mod-d1', 'docker-engine'), unassigned('mod-d1', 'docker-engine'), assigned('mod-d2', 'docker-engine')]);
    expect(planOf(replaced)).toMatchObject({ kind: 'assign', module: { moduleId: 'mod-d2' } });
    expect(planOf(project([provisioned, assigned('mod-d1', 'docker-engine'), unassigned('mod-d1', 'docker-engine')]))).toEqual({ kind: 'unassign' });
    expect(planOf(project([provisioned, assigned('mod-d1', 'docker-engine'), decommissioned]))).toEqual({ kind: 'decommission' });
  });

  it('keeps a second docker module when the first is unassigned', () => {
    const rows = project([provisioned, assigned('mod-c', 'docker-custom'), assigned('mod-d1', 'docker-engine'), unassigned('mod-c', 'docker-custom')]);
    expect(planOf(rows)).toMatchObject({ kind: 'assign', module: { moduleId: 'mod-d1' } });
  });

  it('compares plans and hosts, so the sweep reconciles only what differs', () => {
    const module = { moduleId: 'mod-d1', moduleName: 'docker-engine', moduleVersion: '1.0.0', templateId: 'tpl-1' };
    const host = { ...initialDockerHostState(), exists: true, viaTemplate: module };
    expect(hostMatches({ kind: 'assign', module }, host)).toBe(true);
    expect(hostMatches({ kind: 'assign', module: { ...module, moduleId: 'mod-d2' } }, host)).toBe(false);
    expect(hostMatches({ kind: 'assign', module }, undefined)).toBe(false);
    expect(hostMatches({ kind: 'unassign' }, host)).toBe(false);
    expect(hostMatches({ kind: 'unassign' }, undefined)).toBe(true);
    expect(hostMatches({ kind: 'decommission' }, host)).toBe(false);
    expect(hostMatches({ kind: 'decommission' }, { ...host, decommissioned: true })).toBe(true);
    expect(samePlan({ kind: 'assign', module }, { kind: 'assign', module: { ...module, moduleId: 'mod-d2' } })).toBe(false);
    expect(samePlan({ kind: 'unassign' }, { kind: 'unassign' })).toBe(true);
  });
});
