import type { AggregateRef } from '@powernode/contracts';
import type { Decider } from '@powernode/eventstore';
import type { TemplateCommand } from './template.commands.js';
import { decideTemplate } from './template.decide.js';
import { evolveTemplate, initialTemplateState, type TemplateState } from './template.evolve.js';

export function templateRef(templateId: string): AggregateRef {
  return { context: 'catalog', aggregate: 'template', id: templateId };
}

export function templateDecider(templateId: string): Decider<TemplateState, TemplateCommand> {
  return { initialState: initialTemplateState, evolve: evolveTemplate, decide: decideTemplate(templateId) };
}
