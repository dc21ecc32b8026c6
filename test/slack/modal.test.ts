// Modals generated from TypeBox schemas: any playbook's input becomes a form, its answers become
// the input, and the API's field problems land on the right blocks.
import { Type } from 'typebox';
import { describe, expect, it } from 'vitest';
import { intakeFields } from '../../src/slack/handler.js';
import { blockErrors, fieldBlock, formFields, readForm } from '../../src/slack/modal.js';
import { playbooks } from '../../src/playbooks.js';
import { stateValues } from '../../src/stand-ins/slack-interactions.js';

describe('forms from schemas', () => {
  it('every registered playbook gets an intake form with no required field left out', () => {
    for (const def of Object.values(playbooks)) {
      const { fields, unsupported } = intakeFields(def);
      expect(unsupported, def.name).toEqual([]);
      expect(fields.length, def.name).toBeGreaterThan(5);
      expect(fields.length, def.name).toBeLessThanOrEqual(99);
      expect(fields.map((f) => f.pointer)).not.toContain('/reportedBy');
    }
  });

  it('picks the Slack element from the schema: enums, booleans, numbers, dates, e-mail, URLs, people, lists', () => {
    const schema = Type.Object({
      kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      urgent: Type.Boolean({ default: false }),
      count: Type.Integer({ minimum: 1, maximum: 9, default: 3 }),
      amount: Type.Number(),
      at: Type.String({ format: 'date-time' }),
      day: Type.Optional(Type.String({ format: 'date' })),
      mail: Type.String({ format: 'email' }),
      link: Type.Optional(Type.String({ format: 'uri' })),
      owner: Type.String({ 'x-directory': 'person' }),
      tags: Type.Array(Type.Enum(['x', 'y'])),
      lines: Type.Array(Type.String()),
      nested: Type.Object({ note: Type.String({ maxLength: 2000 }) }),
      things: Type.Array(Type.Object({ a: Type.String() })),
    });
    const { fields, unsupported } = formFields(schema);
    expect(Object.fromEntries(fields.map((f) => [f.pointer, f.kind]))).toEqual({
      '/kind': 'select',
      '/urgent': 'boolean',
      '/count': 'integer',
      '/amount': 'number',
      '/at': 'date-time',
      '/day': 'date',
      '/mail': 'email',
      '/link': 'url',
      '/owner': 'person',
      '/tags': 'multi-select',
      '/lines': 'lines',
      '/nested/note': 'multiline',
    });
    expect(unsupported).toEqual(['/things']);
    expect(fields.find((f) => f.pointer === '/count')).toMatchObject({ required: false, label: 'Count' });
    expect(fields.find((f) => f.pointer === '/nested/note')).toMatchObject({ required: true, label: 'Nested: note' });
    const count = fieldBlock(fields.find((f) => f.pointer === '/count')!, undefined, () => undefined);
    expect(count).toMatchObject({ block_id: '/count', optional: true, element: { type: 'number_input', min_value: '1', max_value: '9', initial_value: '3', is_decimal_allowed: false } });
  });

  it('reads a submitted form back into the object (the stand-in builds the state as Slack does)', () => {
    const schema = Type.Object({
      kind: Type.Union([Type.Literal('a'), Type.Literal('b')]),
      urgent: Type.Boolean({ default: false }),
      quiet: Type.Optional(Type.Boolean({ description: 'absent: the playbook decides' })),
      at: Type.String({ format: 'date-time' }),
      owner: Type.String({ 'x-directory': 'person' }),
      helper: Type.Optional(Type.String({ 'x-directory': 'person' })),
      tags: Type.Array(Type.Enum(['x', 'y'])),
      lines: Type.Array(Type.String()),
      nested: Type.Object({ count: Type.Integer(), note: Type.Optional(Type.String()) }),
    });
    const { fields } = formFields(schema);
    const blocks = fields.map((f) => fieldBlock(f, undefined, () => undefined));
    const values = stateValues(blocks, {
      '/kind': 'b',
      '/urgent': true,
      '/at': '2026-11-23T17:00:00Z',
      '/owner': 'U0MORGAN01',
      '/helper': 'U0NOBODY',
      '/tags': ['y', 'x'],
      '/lines': ' one \n\n two ',
      '/nested/count': '7',
    });
    const people: Record<string, string> = { U0MORGAN01: 'booking-owner' };
    const read = readForm(fields, values as never, (id) => people[id]);
    expect(read.value).toEqual({
      kind: 'b',
      urgent: true,
      at: '2026-11-23T17:00:00.000Z',
      owner: 'booking-owner',
      tags: ['y', 'x'],
      lines: ['one', 'two'],
      nested: { count: 7 },
    });
    expect(read.errors).toEqual({ '/helper': 'this person is not in the escalation directory' });
  });

  it('reads a number only as written in digits: 0x10, 1e3 or 1.5 for a whole number are errors on the block, not other numbers', () => {
    const { fields } = formFields(Type.Object({ count: Type.Integer(), amount: Type.Number() }));
    const blocks = fields.map((f) => fieldBlock(f, undefined, () => undefined));
    const read = (count: string, amount: string) => readForm(fields, stateValues(blocks, { '/count': count, '/amount': amount }) as never, () => undefined);
    expect(read(' 12 ', '0.5')).toEqual({ value: { count: 12, amount: 0.5 }, errors: {} });
    expect(read('0x10', '1e3').errors).toEqual({ '/count': 'must be a whole number, in digits', '/amount': 'must be a number, in digits' });
    expect(read('1.5', '12,50').errors).toEqual({ '/count': 'must be a whole number, in digits', '/amount': 'must be a number, in digits' });
  });

  it("puts the API's field problems on the blocks: a field, several required fields of one object, an object", () => {
    const { fields } = intakeFields(playbooks['live-delivery']!);
    expect(
      blockErrors(
        [
          { in: 'body', field: '/input/booking/timeZone', message: 'unknown IANA time zone' },
          { in: 'body', field: '/input/siteContact/name,email', message: 'is required' },
          { in: 'body', field: '/input/facilitator', message: 'must be an object' },
        ],
        fields,
        '/input',
      ),
    ).toEqual({
      '/booking/timeZone': 'unknown IANA time zone',
      '/siteContact/name': 'is required',
      '/siteContact/email': 'is required',
      '/facilitator/name': 'must be an object',
    });
  });
});
