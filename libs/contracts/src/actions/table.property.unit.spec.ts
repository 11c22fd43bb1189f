import fc from 'fast-check';
import { z } from 'zod';
import { PlatformError } from '../errors.js';
import { parseInput } from '../validation.js';
import type { ActionDef } from './action.js';
import { actionJsonSchema } from './json-schema.js';
import { ACTIONS, INTERNAL_ACTIONS } from './table.js';

type JsonSchema = { [key: string]: unknown };
const EVERY_ACTION: readonly ActionDef[] = [...ACTIONS, ...INTERNAL_ACTIONS];
const action = fc.constantFrom(...EVERY_ACTION);
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const clampInt = (n: unknown, fallback: number) => Math.min(INT32.max, Math.max(INT32.min, typeof n === 'number' ? Math.ceil(n) : fallback));

/** Values shaped by an action input's JSON Schema (what OpenAPI and MCP publish), to be filtered by the zod schema. */
function shaped(schema: JsonSchema): fc.Arbitrary<unknown> {
  const options = (schema.anyOf ?? schema.oneOf) as JsonSchema[] | undefined;
  if (options) return fc.oneof(...options.map(shaped));
  if ('const' in schema) return fc.constant(schema.const);
  if (Array.isArray(schema.enum)) return fc.constantFrom(...(schema.enum as unknown[]));
  switch (schema.type) {
    case 'string': {
      const min = (schema.minLength as number | undefined) ?? 0;
      const max = (schema.maxLength as number | undefined) ?? Infinity;
      if (typeof schema.pattern === 'string') return fc.stringMatching(new RegExp(schema.pattern)).filter((s) => s.length >= min && s.length <= max);
      return fc.string({ minLength: min, maxLength: Math.max(min, Math.min(max, 40)) });
    }
    case 'integer':
      return fc.integer({ min: clampInt(schema.minimum, -1000), max: clampInt(schema.maximum, 1000) });
    case 'number':
      return fc.double({ min: (schema.minimum as number | undefined) ?? -1e6, max: (schema.maximum as number | undefined) ?? 1e6, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      const minLength = (schema.minItems as number | undefined) ?? 0;
      return fc.array(shaped((schema.items as JsonSchema | undefined) ?? {}), { minLength, maxLength: Math.max(minLength, Math.min((schema.maxItems as number | undefined) ?? 3, 3)) });
    }
    case 'object': {
      const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
      const required = (schema.required ?? []) as string[];
      if (Object.keys(properties).length > 0 || typeof schema.additionalProperties !== 'object') {
        return fc.record(Object.fromEntries(Object.entries(properties).map(([key, value]) => [key, shaped(value)])), { requiredKeys: required });
      }
      const names = (schema.propertyNames as JsonSchema | undefined) ?? { type: 'string', maxLength: 12 };
      return fc.dictionary(shaped(names) as fc.Arbitrary<string>, shaped(schema.additionalProperties as JsonSchema), { maxKeys: 3 });
    }
    default:
      return fc.jsonValue({ maxDepth: 2 });
  }
}

/** Inputs the action accepts, drawn from its published schema. */
const validInputs = new Map(EVERY_ACTION.map((a) => [a, shaped(actionJsonSchema(a.input, 'input')).filter((v) => a.input.safeParse(v).success)]));
const validInput = (a: ActionDef) => validInputs.get(a)!;
const withValidInput = action.chain((a) => fc.tuple(fc.constant(a), validInput(a)));

/** Whatever a parse throws, or `ok`. */
function thrownBy(parse: () => unknown): unknown {
  try {
    parse();
    return 'ok';
  } catch (error) {
    return error;
  }
}

/** Top-level string fields that name or identify something and have a pattern, per action. */
const NAME_FIELD = /(^|_)(name|id)$/;
function namedFieldsOf(a: ActionDef): string[] {
  const properties = (actionJsonSchema(a.input, 'input').properties ?? {}) as Record<string, JsonSchema>;
  return Object.entries(properties)
    .filter(([key, schema]) => NAME_FIELD.test(key) && schema.type === 'string' && typeof schema.pattern === 'string')
    .map(([key]) => key);
}

const nameFields = new Map(EVERY_ACTION.map((a) => [a, namedFieldsOf(a)]));
const patternedNameFields = (a: ActionDef) => nameFields.get(a)!;

const PATH_AND_SHELL = ['../../etc/passwd', '..\\..\\windows', '/etc/shadow', 'a/../b', '$(rm -rf /)', '; ls', '`id`', '| cat /etc/passwd', '&& reboot', 'a b', 'x\ny', '\0', "'", '"', '>out', '<in', '${IFS}'];

describe('action input schemas (properties)', () => {
  it('answer any value with a parse result or a ZodError, never another exception', () => {
    fc.assert(
      fc.property(action, fc.oneof(fc.anything(), fc.jsonValue(), fc.object()), (a, value) => {
        expect(() => a.input.safeParse(value)).not.toThrow();
        const thrown = thrownBy(() => a.input.parse(value));
        expect(thrown === 'ok' || thrown instanceof z.ZodError).toBe(true);
        const typed = thrownBy(() => parseInput(a.input, value, `${a.name} input`));
        if (thrown === 'ok') expect(typed).toBe('ok');
        else expect(typed).toMatchObject({ code: 'InvalidInput', details: { issues: expect.arrayContaining([expect.objectContaining({ field: expect.any(String) })]) } });
        if (typed !== 'ok') expect(typed).toBeInstanceOf(PlatformError);
      }),
      { numRuns: 500 },
    );
  });

  it('accept every input their published schema describes', () => {
    fc.assert(
      fc.property(withValidInput, ([a, value]) => {
        expect(a.input.safeParse(JSON.parse(JSON.stringify(value))).success).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('strip unknown extra fields: a valid input with extras parses to the same result, without them', () => {
    fc.assert(
      fc.property(withValidInput, fc.dictionary(fc.string({ minLength: 1, maxLength: 10 }), fc.jsonValue({ maxDepth: 2 }), { minKeys: 1, maxKeys: 3 }), ([a, value], extras) => {
        const known = new Set(Object.keys(a.input.shape));
        const unknown = Object.fromEntries(Object.entries(extras).filter(([key]) => !known.has(key) && key !== '__proto__'));
        fc.pre(Object.keys(unknown).length > 0);
        const sut = a.input.safeParse({ ...(value as object), ...unknown });
        expect(sut.success).toBe(true);
        expect(sut.data).toEqual(a.input.parse(value));
        for (const key of Object.keys(unknown)) expect(Object.hasOwn(sut.data as object, key)).toBe(false);
      }),
      { numRuns: 300 },
    );
  });

  it('refuse path-like and shell-like text in every name or id field that has a pattern', () => {
    const withNameField = action.filter((a) => patternedNameFields(a).length > 0);
    expect(EVERY_ACTION.filter((a) => patternedNameFields(a).length > 0).length).toBeGreaterThan(20);
    fc.assert(
      fc.property(
        withNameField.chain((a) => fc.tuple(fc.constant(a), validInput(a), fc.constantFrom(...patternedNameFields(a)))),
        fc.constantFrom(...PATH_AND_SHELL),
        fc.constantFrom('alone', 'before', 'after'),
        ([a, value, field], hostile, where) => {
          const valid = a.input.parse(value) as Record<string, unknown>;
          const base = typeof valid[field] === 'string' ? (valid[field] as string) : 'abc';
          const text = where === 'alone' ? hostile : where === 'before' ? `${hostile}${base}` : `${base}${hostile}`;
          const sut = a.input.safeParse({ ...(value as object), [field]: text });
          expect(sut.success).toBe(false);
          expect(sut.error?.issues.some((issue) => issue.path[0] === field)).toBe(true);
        },
      ),
      { numRuns: 500 },
    );
  });
});
