// Slack modals generated from a TypeBox object schema (a playbook's input, an event's fields), so a
// new playbook gets its Slack intake form for free. Each leaf field becomes one input block whose
// block_id is the field's JSON pointer (`/booking/startTime`), so validation errors from the same
// checks the API runs map back onto the field that caused them (`response_action: errors`).
import type { InputBlock, KnownBlock, ModalView, PlainTextElement, PlainTextOption } from '@slack/types';
import type { TSchema } from 'typebox';
import { isDecimalText } from '../number-text.js';
import type { FieldProblem } from '../problem.js';
import { LINE_PATTERN, TEXT_PATTERN } from '../../workflows/kit/schemas/index.js';

type Json = Record<string, unknown>;

export type FieldKind =
  | 'text'
  | 'multiline'
  | 'email'
  | 'url'
  | 'date-time'
  | 'date'
  | 'integer'
  | 'number'
  | 'boolean'
  | 'select'
  | 'multi-select'
  | 'lines'
  | 'person';

export interface ModalField {
  /** JSON pointer into the object, e.g. `/booking/startTime`; also the block_id. */
  pointer: string;
  kind: FieldKind;
  label: string;
  hint?: string | undefined;
  required: boolean;
  /** select / multi-select values. */
  options?: string[];
  /** A checkbox of an optional field without default: unchecked leaves the field out (the playbook decides), not false. */
  omitWhenUnchecked?: boolean;
  schema: Json;
}

/** The action_id of every field's element (one element per input block). */
export const VALUE_ACTION = 'value';

const SLACK_LABEL_MAX = 2000;
const SLACK_OPTIONS_MAX = 100;
const SLACK_OPTION_TEXT_MAX = 75;
const SLACK_TITLE_MAX = 24;

const isObj = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `startTime` -> `Start time`; `crmUrl` -> `CRM URL`. */
export function humanize(key: string): string {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[-_]/g, ' ')
    .split(' ')
    .filter(Boolean)
    .map((w) => (/^(crm|url|mrr|id|fmc|csm|tl|eta)$/i.test(w) ? w.toUpperCase() : w.toLowerCase()));
  const text = words.join(' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** `Start time` -> `start time`; `MRR` and `CRM URL` stay as they are. */
function lowerFirst(label: string): string {
  return /^[A-Z]{2,}\b/.test(label) ? label : label.charAt(0).toLowerCase() + label.slice(1);
}

function enumValues(schema: Json): string[] | undefined {
  if (Array.isArray(schema.enum) && schema.enum.every((v) => typeof v === 'string')) return schema.enum as string[];
  if (Array.isArray(schema.anyOf) && schema.anyOf.every((s) => isObj(s) && typeof s.const === 'string')) {
    return (schema.anyOf as Json[]).map((s) => s.const as string);
  }
  return undefined;
}

function kindOf(schema: Json): FieldKind | undefined {
  if (enumValues(schema)) return 'select';
  switch (schema.type) {
    case 'boolean':
      return 'boolean';
    case 'integer':
      return 'integer';
    case 'number':
      return 'number';
    case 'array': {
      const items = isObj(schema.items) ? schema.items : {};
      if (enumValues(items)) return 'multi-select';
      return items.type === 'string' ? 'lines' : undefined;
    }
    case 'string':
      if (schema['x-directory'] === 'person') return 'person';
      if (schema.format === 'date-time') return 'date-time';
      if (schema.format === 'date') return 'date';
      if (schema.format === 'email') return 'email';
      if (schema.format === 'uri') return 'url';
      // Multi-line text (the kit's Text type) gets a multi-line input; a single line (Line) never does.
      if (schema.pattern === TEXT_PATTERN) return 'multiline';
      if (schema.pattern === LINE_PATTERN) return 'text';
      return typeof schema.maxLength === 'number' && schema.maxLength > 300 ? 'multiline' : 'text';
    default:
      return undefined;
  }
}

export interface FieldsResult {
  fields: ModalField[];
  /** Required fields no Slack element can take (e.g. an array of objects): such a form cannot be sent from Slack. */
  unsupported: string[];
}

/**
 * The form fields of an object schema, depth first. `skip` lists pointers the form leaves out
 * (e.g. `/reportedBy`, set from the Slack user). Nested objects are flattened with their name as
 * the label's prefix; a field is required only if it and all its enclosing objects are.
 */
export function formFields(schema: TSchema, skip: readonly string[] = []): FieldsResult {
  const fields: ModalField[] = [];
  const unsupported: string[] = [];
  const walk = (node: Json, pointer: string, prefix: string, required: boolean) => {
    const props = isObj(node.properties) ? node.properties : {};
    const requiredKeys = new Set(Array.isArray(node.required) ? (node.required as string[]) : []);
    for (const [key, child] of Object.entries(props)) {
      if (!isObj(child)) continue;
      const at = `${pointer}/${key}`;
      if (skip.includes(at)) continue;
      const isRequired = required && requiredKeys.has(key) && child.default === undefined;
      const label = prefix ? `${prefix}: ${lowerFirst(humanize(key))}` : humanize(key);
      if (child.type === 'object' && isObj(child.properties)) {
        walk(child, at, label, required && requiredKeys.has(key));
        continue;
      }
      const kind = kindOf(child);
      if (!kind) {
        if (isRequired) unsupported.push(at);
        continue;
      }
      const options = kind === 'select' ? enumValues(child) : kind === 'multi-select' ? enumValues(child.items as Json) : undefined;
      fields.push({
        pointer: at,
        kind,
        label: label.slice(0, SLACK_LABEL_MAX),
        hint: typeof child.description === 'string' ? child.description.slice(0, SLACK_LABEL_MAX) : undefined,
        // A checkbox left empty means false: never required.
        required: kind === 'boolean' ? false : isRequired,
        ...(kind === 'boolean' && !requiredKeys.has(key) && child.default === undefined && { omitWhenUnchecked: true }),
        ...(options && { options }),
        schema: child,
      });
    }
  };
  walk(schema as unknown as Json, '', '', true);
  return { fields, unsupported };
}

const plain = (text: string): PlainTextElement => ({ type: 'plain_text', text, emoji: true });
const option = (value: string): PlainTextOption => ({ text: plain(value.slice(0, SLACK_OPTION_TEXT_MAX)), value });

function valueAt(obj: unknown, pointer: string): unknown {
  let node = obj;
  for (const key of pointer.split('/').slice(1)) {
    if (!isObj(node)) return undefined;
    node = node[key];
  }
  return node;
}

/** Looks up the Slack user id of a person key (for a person picker's initial value). */
export type SlackUserOf = (person: string) => string | undefined;

/** The input block for a field, with `initial` (or the schema's default) filled in. */
export function fieldBlock(field: ModalField, initial: unknown, slackUserOf: SlackUserOf): InputBlock {
  const value = initial ?? field.schema.default;
  const base = { action_id: VALUE_ACTION };
  let element: InputBlock['element'];
  switch (field.kind) {
    case 'text':
    case 'multiline':
      element = {
        type: 'plain_text_input',
        ...base,
        multiline: field.kind === 'multiline',
        ...(typeof field.schema.maxLength === 'number' && { max_length: Math.min(field.schema.maxLength, 3000) }),
        ...(typeof value === 'string' && { initial_value: value.slice(0, 3000) }),
      };
      break;
    case 'lines':
      element = {
        type: 'plain_text_input',
        ...base,
        multiline: true,
        placeholder: plain('One per line'),
        ...(Array.isArray(value) && value.length > 0 && { initial_value: value.join('\n') }),
      };
      break;
    case 'email':
      element = { type: 'email_text_input', ...base, ...(typeof value === 'string' && { initial_value: value }) };
      break;
    case 'url':
      element = { type: 'url_text_input', ...base, ...(typeof value === 'string' && { initial_value: value }) };
      break;
    case 'date-time': {
      const ms = typeof value === 'string' ? Date.parse(value) : Number.NaN;
      element = { type: 'datetimepicker', ...base, ...(Number.isFinite(ms) && { initial_date_time: Math.floor(ms / 1000) }) };
      break;
    }
    case 'date':
      element = { type: 'datepicker', ...base, ...(typeof value === 'string' && { initial_date: value }) };
      break;
    case 'integer':
    case 'number':
      element = {
        type: 'number_input',
        ...base,
        is_decimal_allowed: field.kind === 'number',
        ...(typeof field.schema.minimum === 'number' && { min_value: String(field.schema.minimum) }),
        ...(typeof field.schema.maximum === 'number' && { max_value: String(field.schema.maximum) }),
        ...(typeof value === 'number' && { initial_value: String(value) }),
      };
      break;
    case 'boolean':
      element = {
        type: 'checkboxes',
        ...base,
        options: [option('yes')],
        ...(value === true && { initial_options: [option('yes')] }),
      };
      break;
    case 'select': {
      const options = (field.options ?? []).slice(0, SLACK_OPTIONS_MAX).map(option);
      element = {
        type: 'static_select',
        ...base,
        options,
        ...(typeof value === 'string' && field.options?.includes(value) && { initial_option: option(value) }),
      };
      break;
    }
    case 'multi-select': {
      const options = (field.options ?? []).slice(0, SLACK_OPTIONS_MAX).map(option);
      const chosen = Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && (field.options ?? []).includes(v)) : [];
      element = { type: 'multi_static_select', ...base, options, ...(chosen.length > 0 && { initial_options: chosen.map(option) }) };
      break;
    }
    case 'person': {
      const user = typeof value === 'string' ? slackUserOf(value) : undefined;
      element = { type: 'users_select', ...base, ...(user && { initial_user: user }) };
      break;
    }
  }
  return {
    type: 'input',
    block_id: field.pointer,
    label: plain(field.label),
    optional: !field.required,
    element,
    ...(field.hint && { hint: plain(field.hint) }),
  };
}

export interface FormView {
  /** `intake:<playbook>`, `event:<type>`: what a submission is for. */
  callbackId: string;
  title: string;
  submit: string;
  intro?: string | undefined;
  fields: ModalField[];
  initial?: unknown;
  privateMetadata: string;
}

export function formView(form: FormView, slackUserOf: SlackUserOf): ModalView {
  const blocks: KnownBlock[] = [];
  if (form.intro) blocks.push({ type: 'section', text: { type: 'mrkdwn', text: form.intro.slice(0, 3000) } });
  for (const field of form.fields.slice(0, 100 - blocks.length)) blocks.push(fieldBlock(field, valueAt(form.initial, field.pointer), slackUserOf));
  return {
    type: 'modal',
    callback_id: form.callbackId,
    title: plain(truncate(form.title, SLACK_TITLE_MAX)),
    submit: plain(truncate(form.submit, SLACK_TITLE_MAX)),
    close: plain('Cancel'),
    private_metadata: form.privateMetadata,
    blocks,
  };
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/** One element's state as Slack sends it in `view.state.values[block_id][action_id]`. */
export interface ElementState {
  type?: string;
  value?: string | null;
  selected_date_time?: number | null;
  selected_date?: string | null;
  selected_option?: { value: string } | null;
  selected_options?: { value: string }[];
  selected_user?: string | null;
}

/** A submitted view's values: `block_id -> action_id -> element state`. */
export type ViewValues = Record<string, Record<string, ElementState>>;

/** Maps a Slack user id to a person key (undefined: not in the directory). */
export type PersonOf = (slackUserId: string) => string | undefined;

/**
 * The object a submitted form stands for, and per-block errors for values that cannot be read
 * (a user who is not in the directory). Empty fields are left out, so schema defaults apply.
 */
export function readForm(fields: readonly ModalField[], values: ViewValues, personOf: PersonOf): { value: Json; errors: Record<string, string> } {
  const value: Json = {};
  const errors: Record<string, string> = {};
  const set = (pointer: string, v: unknown) => {
    const keys = pointer.split('/').slice(1);
    let node = value;
    for (const key of keys.slice(0, -1)) {
      if (!isObj(node[key])) node[key] = {};
      node = node[key] as Json;
    }
    node[keys.at(-1)!] = v;
  };
  for (const field of fields) {
    const state = values[field.pointer]?.[VALUE_ACTION];
    if (!state) continue;
    switch (field.kind) {
      case 'text':
      case 'multiline':
      case 'email':
      case 'url': {
        const text = state.value?.trim();
        if (text) set(field.pointer, text);
        break;
      }
      case 'lines': {
        const lines = (state.value ?? '').split('\n').map((l) => l.trim()).filter(Boolean);
        if (lines.length > 0) set(field.pointer, lines);
        break;
      }
      case 'integer':
      case 'number': {
        const text = state.value?.trim();
        if (!text) break;
        // Slack's number_input checks this in the client; a submission is checked again here, and
        // Number() alone would read 0x10 as 16 and 1e3 as 1000.
        if (isDecimalText(text, field.kind)) set(field.pointer, Number(text));
        else errors[field.pointer] = field.kind === 'integer' ? 'must be a whole number, in digits' : 'must be a number, in digits';
        break;
      }
      case 'date-time':
        if (typeof state.selected_date_time === 'number') set(field.pointer, new Date(state.selected_date_time * 1000).toISOString());
        break;
      case 'date':
        if (state.selected_date) set(field.pointer, state.selected_date);
        break;
      case 'boolean': {
        const checked = (state.selected_options ?? []).length > 0;
        if (checked || !field.omitWhenUnchecked) set(field.pointer, checked);
        break;
      }
      case 'select':
        if (state.selected_option) set(field.pointer, state.selected_option.value);
        break;
      case 'multi-select':
        if ((state.selected_options ?? []).length > 0) set(field.pointer, state.selected_options!.map((o) => o.value));
        break;
      case 'person':
        if (state.selected_user) {
          const person = personOf(state.selected_user);
          if (person) set(field.pointer, person);
          else errors[field.pointer] = 'this person is not in the escalation directory';
        }
        break;
    }
  }
  return { value, errors };
}

/**
 * Field problems (JSON pointers relative to `prefix`, as the API reports them) as Slack's
 * `response_action: errors` map: each on its field's block, or on the first block of the object it
 * belongs to, or on the first block.
 */
export function blockErrors(problems: readonly FieldProblem[], fields: readonly ModalField[], prefix = ''): Record<string, string> {
  const out: Record<string, string> = {};
  const first = fields[0]?.pointer;
  for (const p of problems) {
    const rel = p.field.startsWith(prefix) ? p.field.slice(prefix.length) : p.field;
    // `/booking/id,startTime`: several required fields of one object.
    const slash = rel.lastIndexOf('/');
    const pointers = rel.slice(slash + 1).split(',').map((k) => `${rel.slice(0, slash)}/${k}`);
    for (const pointer of pointers) {
      const target =
        fields.find((f) => f.pointer === pointer)?.pointer ??
        fields.find((f) => f.pointer.startsWith(`${pointer}/`))?.pointer ??
        first;
      if (!target) continue;
      out[target] = out[target] ? `${out[target]}; ${p.message}` : p.message;
    }
  }
  for (const key of Object.keys(out)) out[key] = out[key]!.slice(0, 2000);
  return out;
}
