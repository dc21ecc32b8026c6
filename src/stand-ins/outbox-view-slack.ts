// The outbox page's Slack controls (embedded default): act as a workspace user, press a message's
// buttons, run /escalate, fill in and submit the modals the app opened. Plain HTML forms posting
// to /dev/slack/* (the page has no script); the stand-in then sends Slack's signed requests.
import { escapeHtml } from './html.js';
import type { OpenView } from './slack-interactions.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

export interface SlackControls {
  users: { id: string; name: string }[];
  /** The user the page acts as (`?as=`); none: buttons are shown but not pressable. */
  as?: string | undefined;
  /** Channels for /escalate. */
  channels: { id: string; name: string }[];
  /** Modals open for the acting user. */
  views: OpenView[];
  /** Ephemeral messages to the acting user, newest first. */
  ephemerals: { channel: string; ts: string; text: string }[];
  /** What the last action answered (shown once). */
  note?: string | undefined;
}

/** Form field name of a modal block (its block_id is a JSON pointer). */
export const FIELD_PREFIX = 'f:';

export function renderSlackControls(c: SlackControls): string {
  const options = c.users
    .map((u) => `<option value="${escapeHtml(u.id)}"${u.id === c.as ? ' selected' : ''}>${escapeHtml(u.name)} (${escapeHtml(u.id)})</option>`)
    .join('');
  const actAs = `<form class="filters" method="get" action="view"><label>Act in Slack as <select name="as"><option value="">(nobody: buttons inactive)</option>${options}</select></label><button type="submit">Switch</button></form>`;
  if (!c.as) return `<section class="slack-controls">${actAs}</section>`;
  const user = escapeHtml(c.as);
  const channels = c.channels.map((ch) => `<option value="${escapeHtml(ch.id)}">#${escapeHtml(ch.name)}</option>`).join('');
  const command = `<form class="filters" method="post" action="../slack/command"><input type="hidden" name="user" value="${user}">
<label>Run <code>/escalate</code> <input name="text" placeholder="playbook (empty: choose)" size="22"></label>
<label>in <select name="channel">${channels}</select></label><button type="submit">Send command</button></form>`;
  const note = c.note ? `<p class="note">${escapeHtml(c.note)}</p>` : '';
  const ephemerals = c.ephemerals.length
    ? `<div class="ephemerals"><h2>Only visible to you</h2>${c.ephemerals
        .slice(0, 10)
        .map((e) => `<p class="ephemeral"><code>${escapeHtml(e.ts)}</code> ${escapeHtml(e.text)}</p>`)
        .join('')}</div>`
    : '';
  return `<section class="slack-controls">${actAs}${command}${note}${ephemerals}${c.views.map((v) => renderView(v, c)).join('')}</section>`;
}

/** A message's button as a form that presses it as the acting user. */
export function pressForm(button: Obj, channel: string, ts: string, as: string, inner: string): string {
  const style = button.style === 'primary' || button.style === 'danger' ? ` ${button.style}` : '';
  return `<form class="press" method="post" action="../slack/press"><input type="hidden" name="user" value="${escapeHtml(as)}"><input type="hidden" name="channel" value="${escapeHtml(channel)}"><input type="hidden" name="ts" value="${escapeHtml(ts)}"><input type="hidden" name="actionId" value="${escapeHtml(str(button.action_id))}"><button type="submit" class="btn${style}" title="${escapeHtml(`Press as ${as}`)}">${inner}</button></form>`;
}

function plainText(v: unknown): string {
  return isObj(v) ? escapeHtml(str(v.text)) : '';
}

function renderView(open: OpenView, c: SlackControls): string {
  const view = open.view;
  const blocks = Array.isArray(view.blocks) ? (view.blocks as unknown[]) : [];
  const parts: string[] = [];
  for (const block of blocks) {
    if (!isObj(block)) continue;
    if (block.type === 'section') parts.push(`<p>${plainText(block.text)}</p>`);
    if (block.type === 'actions' && Array.isArray(block.elements)) {
      for (const el of block.elements) {
        if (!isObj(el) || el.type !== 'static_select') continue;
        const opts = ((el.options as Obj[] | undefined) ?? []).map((o) => `<option value="${escapeHtml(str(o.value))}">${plainText(o.text)}</option>`).join('');
        parts.push(`<div class="field"><select name="value" form="select-${escapeHtml(open.id)}-${escapeHtml(str(el.action_id))}">${opts}</select>
<button type="submit" form="select-${escapeHtml(open.id)}-${escapeHtml(str(el.action_id))}">Choose</button></div>`);
      }
    }
    if (block.type === 'input') parts.push(renderInput(block, open, c));
  }
  const selects = blocks
    .filter((b): b is Obj => isObj(b) && b.type === 'actions')
    .flatMap((b) => ((b.elements as Obj[] | undefined) ?? []).filter((e) => e.type === 'static_select'))
    .map(
      (el) =>
        `<form id="select-${escapeHtml(open.id)}-${escapeHtml(str(el.action_id))}" method="post" action="../slack/views/${encodeURIComponent(open.id)}/select"><input type="hidden" name="user" value="${escapeHtml(open.user)}"><input type="hidden" name="actionId" value="${escapeHtml(str(el.action_id))}"></form>`,
    )
    .join('');
  const submit = isObj(view.submit)
    ? `<button type="submit" class="btn primary">${plainText(view.submit)}</button>`
    : '';
  return `<article class="item modal" id="${escapeHtml(open.id)}"><div class="item-head"><span class="badge badge-slack">Modal</span><span class="title">${plainText(view.title)}</span><span class="spacer"></span><code>${escapeHtml(open.id)}</code></div>
${selects}<form method="post" action="../slack/views/${encodeURIComponent(open.id)}"><input type="hidden" name="user" value="${escapeHtml(open.user)}">
${parts.join('\n')}
<div class="modal-actions">${submit}<button type="submit" formaction="../slack/views/${encodeURIComponent(open.id)}/close" class="btn">Cancel</button></div></form></article>`;
}

function renderInput(block: Obj, open: OpenView, c: SlackControls): string {
  const el = isObj(block.element) ? block.element : {};
  const id = str(block.block_id);
  const name = escapeHtml(FIELD_PREFIX + id);
  const label = `${plainText(block.label)}${block.optional ? ' <span class="muted">(optional)</span>' : ''}`;
  const hint = isObj(block.hint) ? `<small class="muted">${plainText(block.hint)}</small>` : '';
  const error = open.errors[id] ? `<small class="error">${escapeHtml(open.errors[id])}</small>` : '';
  const options = (el.options as Obj[] | undefined) ?? [];
  const opt = (o: Obj, selected: boolean) => `<option value="${escapeHtml(str(o.value))}"${selected ? ' selected' : ''}>${plainText(o.text)}</option>`;
  let control: string;
  switch (el.type) {
    case 'plain_text_input':
      control = el.multiline
        ? `<textarea name="${name}" rows="3">${escapeHtml(str(el.initial_value))}</textarea>`
        : `<input name="${name}" value="${escapeHtml(str(el.initial_value))}">`;
      break;
    case 'email_text_input':
      control = `<input type="email" name="${name}" value="${escapeHtml(str(el.initial_value))}">`;
      break;
    case 'url_text_input':
      control = `<input type="url" name="${name}" value="${escapeHtml(str(el.initial_value))}">`;
      break;
    case 'number_input':
      control = `<input type="number" step="${el.is_decimal_allowed ? 'any' : '1'}" name="${name}" value="${escapeHtml(str(el.initial_value))}">`;
      break;
    case 'datetimepicker': {
      const initial = typeof el.initial_date_time === 'number' ? new Date(el.initial_date_time * 1000).toISOString() : '';
      control = `<input name="${name}" value="${escapeHtml(initial)}" placeholder="2026-11-23T17:00:00Z" size="24">`;
      break;
    }
    case 'datepicker':
      control = `<input type="date" name="${name}" value="${escapeHtml(str(el.initial_date))}">`;
      break;
    case 'static_select': {
      const initial = isObj(el.initial_option) ? str(el.initial_option.value) : '';
      control = `<select name="${name}"><option value="">—</option>${options.map((o) => opt(o, str(o.value) === initial)).join('')}</select>`;
      break;
    }
    case 'multi_static_select': {
      const initial = new Set(((el.initial_options as Obj[] | undefined) ?? []).map((o) => str(o.value)));
      control = `<select multiple name="${name}">${options.map((o) => opt(o, initial.has(str(o.value)))).join('')}</select>`;
      break;
    }
    case 'checkboxes': {
      const initial = new Set(((el.initial_options as Obj[] | undefined) ?? []).map((o) => str(o.value)));
      control = options
        .map((o) => `<label class="check"><input type="checkbox" name="${name}" value="${escapeHtml(str(o.value))}"${initial.has(str(o.value)) ? ' checked' : ''}> ${plainText(o.text)}</label>`)
        .join('');
      break;
    }
    case 'users_select': {
      const initial = str(el.initial_user);
      control = `<select name="${name}"><option value="">—</option>${c.users.map((u) => `<option value="${escapeHtml(u.id)}"${u.id === initial ? ' selected' : ''}>${escapeHtml(u.name)}</option>`).join('')}</select>`;
      break;
    }
    default:
      control = `<span class="muted">[${escapeHtml(str(el.type))}]</span>`;
  }
  return `<div class="field"><label>${label}<br>${control}</label>${hint}${error}</div>`;
}

/** A submitted modal form back to values by block_id, as the stand-in's submitView takes them. */
export function formValues(view: OpenView, form: Record<string, string | string[]>): Record<string, string | string[] | null> {
  const out: Record<string, string | string[] | null> = {};
  for (const block of (view.view.blocks as unknown[]) ?? []) {
    if (!isObj(block) || block.type !== 'input' || !isObj(block.element)) continue;
    const id = str(block.block_id);
    const raw = form[FIELD_PREFIX + id];
    const multi = block.element.type === 'multi_static_select' || block.element.type === 'checkboxes';
    const list = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw];
    if (multi) out[id] = list.filter(Boolean);
    else out[id] = list[0] ? list[0] : null;
  }
  return out;
}

export const SLACK_CONTROLS_STYLE = `
.slack-controls { margin: 0 0 1rem; display: grid; gap: .5rem; }
.slack-controls .note { background: #fff8db; padding: .4rem .6rem; border-radius: 4px; }
.ephemerals .ephemeral { background: #f4f4f6; border-left: 3px solid #1264a3; padding: .3rem .5rem; margin: .2rem 0; }
form.press { display: inline; margin: 0; }
form.press button.btn { cursor: pointer; font: inherit; }
.item.modal form { display: grid; gap: .5rem; }
.item.modal .field label { display: block; }
.item.modal .field input, .item.modal .field textarea, .item.modal .field select { min-width: 18rem; }
.item.modal .error { color: #b00020; display: block; }
.item.modal .check { display: inline-block; margin-right: 1rem; }
.modal-actions { display: flex; gap: .5rem; }
`;
