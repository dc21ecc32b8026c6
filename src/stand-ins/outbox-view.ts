// The outbox as one HTML page: each email as its recipient would see it (headers, HTML body in a
// sandboxed iframe), each Slack message roughly as Slack shows it. Everything from the records is
// escaped; the page has no script.
import * as emoji from 'node-emoji';
import type {
  CaseNoteOutboxRecord,
  CaseOutboxRecord,
  EmailAddress,
  EmailOutboxRecord,
  OutboxKind,
  OutboxRecord,
  SlackOutboxRecord,
  TicketOutboxRecord,
  TrackingRowOutboxRecord,
} from './outbox-schema.js';
import { escapeHtml } from './html.js';
import { STYLE } from './outbox-view-style.js';
import { pressForm, renderSlackControls, SLACK_CONTROLS_STYLE, type SlackControls } from './outbox-view-slack.js';
import { decodeSlackEntities, tokenizeSlackText, type SlackToken } from './slack-format.js';

export interface OutboxPageOptions {
  /** Newest first, already filtered. */
  records: OutboxRecord[];
  filter: { escalationId?: string | undefined; kind?: OutboxKind | undefined };
  /** Seconds between reloads (meta refresh); 0 or absent: none. */
  refreshSeconds?: number | undefined;
  /** Slack controls (act as a user, press buttons, modals); absent: a read-only page. */
  slack?: SlackControls | undefined;
  /**
   * Where escalation links point: the API's origin (e.g. `http://127.0.0.1:3000`). Absent: the
   * page's own origin, which is the API when the API serves the page.
   */
  apiBase?: string | undefined;
}

/** Presses a button of the message a record shows: HTML for the button, or undefined when it is not pressable. */
type Press = (button: Obj, inner: string) => string | undefined;

/**
 * Sent with the page. A srcdoc iframe inherits it, so email HTML can use inline styles and images
 * but never run script or load anything else.
 */
export const OUTBOX_PAGE_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; form-action 'self'; base-uri 'none'; frame-ancestors 'self'";


export { escapeHtml };

const KIND_LABELS: Record<OutboxKind, string> = {
  slack: 'Slack',
  email: 'email',
  ticket: 'ticket',
  case: 'case',
  'case-note': 'case note',
  'tracking-row': 'tracking row',
};

export function renderOutboxPage({ records, filter, refreshSeconds, apiBase, slack: controls }: OutboxPageOptions): string {
  const counts = new Map<OutboxKind, number>();
  for (const r of records) counts.set(r.kind, (counts.get(r.kind) ?? 0) + 1);
  const breakdown = [...counts].map(([kind, n]) => `${n} ${KIND_LABELS[kind]}`).join(', ');
  const query = new URLSearchParams();
  if (filter.escalationId) query.set('escalationId', filter.escalationId);
  if (filter.kind) query.set('kind', filter.kind);
  // Only a message's newest record shows its buttons as it is now: only those are pressable.
  const latest = new Set<string>();
  const seenTs = new Set<string>();
  for (const r of records) {
    if (r.kind !== 'slack' || r.method === 'chat.postEphemeral') continue;
    const key = `${r.channel.id}/${r.ts}`;
    if (!seenTs.has(key)) latest.add(r.id);
    seenTs.add(key);
  }
  const as = controls?.as;
  const pressFor = (r: OutboxRecord): Press | undefined =>
    r.kind === 'slack' && as && latest.has(r.id) ? (button, inner) => pressForm(button, r.channel.id, r.ts, as, inner) : undefined;
  // An older version of a message that was edited since (e.g. a call request whose buttons the engine
  // removed): marked as such, so the page's current picture is each message's newest record.
  const outdated = (r: OutboxRecord) => r.kind === 'slack' && r.method !== 'chat.postEphemeral' && !latest.has(r.id);
  const jsonHref = `../outbox${query.size > 0 ? `?${query}` : ''}`;
  const refresh = refreshSeconds && refreshSeconds > 0 ? `<meta http-equiv="refresh" content="${refreshSeconds}">` : '';
  const option = (value: string, label: string, current: string | undefined) =>
    `<option value="${escapeHtml(value)}"${value === (current ?? '') ? ' selected' : ''}>${escapeHtml(label)}</option>`;
  const refreshValue = refreshSeconds && refreshSeconds > 0 ? String(refreshSeconds) : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
${refresh}<title>Outbox · escalation-engine</title>
<style>${STYLE}${SLACK_CONTROLS_STYLE}</style>
</head>
<body>
<header class="page-head">
  <div>
    <h1>Outbox</h1>
    <p class="sub">What the local stand-ins received (Slack, SendGrid, ticket intake, CRM cases, tracking list), newest first: ${records.length} shown${breakdown ? ` (${escapeHtml(breakdown)})` : ''}.</p>
  </div>
  <form class="filters" method="get">${as ? `<input type="hidden" name="as" value="${escapeHtml(as)}">` : ''}
    <label>Escalation <input name="escalationId" value="${escapeHtml(filter.escalationId ?? '')}" placeholder="any" size="28"></label>
    <label>Kind <select name="kind">${option('', 'all', filter.kind)}${(Object.keys(KIND_LABELS) as OutboxKind[]).map((k) => option(k, KIND_LABELS[k], filter.kind)).join('')}</select></label>
    <label>Refresh <select name="refresh">${option('', 'off', refreshValue)}${option('5', 'every 5 s', refreshValue)}${option('30', 'every 30 s', refreshValue)}</select></label>
    <button type="submit">Apply</button>
    <a href="view">Reset</a>
    <a href="${escapeHtml(jsonHref)}">JSON</a>
  </form>
</header>
<main>
${controls ? renderSlackControls(controls) : ''}
${records.length === 0 ? '<p class="empty">Nothing received yet.</p>' : records.map((r) => renderRecord(r, apiBase ?? '', pressFor(r), outdated(r))).join('\n')}
</main>
</body>
</html>`;
}

function renderRecord(record: OutboxRecord, apiBase: string, press?: Press, outdated = false): string {
  switch (record.kind) {
    case 'slack':
      return renderSlack(record, apiBase, press, outdated);
    case 'email':
      return renderEmail(record, apiBase);
    case 'ticket':
      return renderTicket(record, apiBase);
    case 'case':
      return renderCase(record, apiBase);
    case 'case-note':
      return renderCaseNote(record, apiBase);
    case 'tracking-row':
      return renderTrackingRow(record, apiBase);
  }
}

function itemHead(record: OutboxRecord, apiBase: string, badge: string, middle: string): string {
  const escalation = record.escalationId
    ? `<a class="esc" href="${escapeHtml(`${apiBase.replace(/\/+$/, '')}/escalations/${encodeURIComponent(record.escalationId)}`)}">${escapeHtml(record.escalationId)}</a>`
    : '<span class="esc none">no escalation</span>';
  return `<div class="item-head">${badge}${middle}<span class="spacer"></span>${escalation}${renderTime(record.at)}</div>`;
}

function renderTime(at: string): string {
  const date = new Date(at);
  const label = Number.isNaN(date.getTime()) ? at : `${date.toISOString().slice(0, 19).replace('T', ' ')} UTC`;
  return `<time datetime="${escapeHtml(at)}">${escapeHtml(label)}</time>`;
}

// ---- email -----------------------------------------------------------------------------------

function renderEmail(r: EmailOutboxRecord, apiBase: string): string {
  const subject = r.subject ?? (r.template_id ? `(subject from template ${r.template_id})` : '(no subject)');
  const row = (name: string, value: string, cls?: string) => {
    const attr = cls ? ` class="${cls}"` : '';
    return `<dt${attr}>${name}</dt><dd${attr}>${value}</dd>`;
  };
  const list = (addresses: EmailAddress[]) => addresses.map(formatAddress).join(', ');
  const headers = [
    row('From', formatAddress(r.from)),
    row('To', list(r.to)),
    r.cc.length > 0 ? row('Cc', list(r.cc)) : '',
    r.bcc.length > 0 ? row('Bcc', `${list(r.bcc)} <span class="muted">(not shown to recipients)</span>`, 'bcc') : '',
    r.reply_to ? row('Reply-To', formatAddress(r.reply_to)) : '',
    row('Subject', `<strong>${escapeHtml(subject)}</strong>`),
  ].join('');
  let body: string;
  if (r.html !== undefined) {
    body = `<iframe class="mail-body" sandbox="" referrerpolicy="no-referrer" loading="lazy" title="${escapeHtml(`Email body: ${subject}`)}" srcdoc="${escapeHtml(r.html)}"></iframe>`;
  } else if (r.text !== undefined) {
    body = `<pre class="mail-text">${escapeHtml(r.text)}</pre>`;
  } else {
    body = `<p class="muted">Rendered by SendGrid template <code>${escapeHtml(r.template_id ?? '?')}</code> with:</p><pre class="json">${escapeHtml(JSON.stringify(r.dynamic_template_data ?? {}, null, 2))}</pre>`;
  }
  const plainPart = r.html !== undefined && r.text !== undefined
    ? `<details><summary>Plain-text part</summary><pre class="mail-text">${escapeHtml(r.text)}</pre></details>`
    : '';
  const delivery = [
    `<dt>Message id</dt><dd><code>${escapeHtml(r.messageId)}</code></dd>`,
    r.categories.length > 0 ? `<dt>Categories</dt><dd>${r.categories.map((c) => `<span class="chip">${escapeHtml(c)}</span>`).join(' ')}</dd>` : '',
    Object.keys(r.custom_args).length > 0
      ? `<dt>Custom args</dt><dd>${Object.entries(r.custom_args).map(([k, v]) => `<code>${escapeHtml(k)}=${escapeHtml(v)}</code>`).join(' ')}</dd>`
      : '',
    r.attachments && r.attachments.length > 0
      ? `<dt>Attachments</dt><dd>${r.attachments.map((a) => `${escapeHtml(a.filename)} <span class="muted">(${escapeHtml(a.type ?? 'unknown type')}, ${a.bytes} bytes)</span>`).join(', ')}</dd>`
      : '',
  ].join('');
  return `<article class="item email" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-email">Email</span>', `<span class="title">${escapeHtml(subject)}</span>`)}
<dl class="mail-headers">${headers}</dl>
${body}
${plainPart}
<details><summary>Delivery details</summary><dl class="kv">${delivery}</dl></details>
</article>`;
}

function formatAddress(a: EmailAddress): string {
  return a.name ? `${escapeHtml(a.name)} <span class="muted">&lt;${escapeHtml(a.email)}&gt;</span>` : escapeHtml(a.email);
}

// ---- Slack -----------------------------------------------------------------------------------

function renderSlack(r: SlackOutboxRecord, apiBase: string, press?: Press, outdated = false): string {
  const channel = r.channel.name.startsWith('@') ? r.channel.name : `#${r.channel.name}`;
  const thread = r.thread_ts
    ? `<span class="thread" title="Reply in the thread of the message with ts ${escapeHtml(r.thread_ts)}">↳ reply in thread <code>${escapeHtml(r.thread_ts)}</code></span>`
    : '';
  const edited =
    r.method === 'chat.update'
      ? `<span class="edited">edited <code>${escapeHtml(r.ts)}</code></span>`
      : r.method === 'chat.postEphemeral'
        ? `<span class="edited">only visible to <code>${escapeHtml(r.visibleTo ?? '?')}</code></span>`
        : '';
  const since = outdated ? '<span class="edited outdated" title="A newer record above shows this message as it is now">earlier version: edited since</span>' : '';
  const hasBlocks = (r.blocks?.length ?? 0) > 0;
  const content = hasBlocks ? renderBlocks(r.blocks ?? [], r.mentions.labels, press) : renderMrkdwn(r.text ?? '', r.mentions.labels);
  const fallback = hasBlocks && r.text
    ? `<details><summary>Notification text</summary><div class="fallback">${renderMrkdwn(r.text, r.mentions.labels)}</div></details>`
    : '';
  const mentioned = [
    ...r.mentions.broadcasts.map((b) => `<span class="mention broadcast">@${escapeHtml(b)}</span>`),
    ...r.mentions.userGroups.map((id) => `<span class="mention group" title="${escapeHtml(id)}">${escapeHtml(r.mentions.labels[id] ?? `@${id}`)}</span>`),
    ...r.mentions.users.map((id) => `<span class="mention" title="${escapeHtml(id)}">${escapeHtml(r.mentions.labels[id] ?? `@${id}`)}</span>`),
  ];
  const metadata = r.metadata
    ? `<details><summary>Metadata <code>${escapeHtml(r.metadata.event_type)}</code></summary><pre class="json">${escapeHtml(JSON.stringify(r.metadata.event_payload, null, 2))}</pre></details>`
    : '';
  return `<article class="item slack${r.thread_ts ? ' reply' : ''}${outdated ? ' outdated' : ''}" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-slack">Slack</span>', `<span class="title channel">${escapeHtml(channel)}</span>${thread}${edited}${since}`)}
<div class="slack-msg">
  <div class="avatar" aria-hidden="true">EE</div>
  <div class="msg-body">
    <div class="author">escalation-engine <span class="app-tag">APP</span> <span class="muted">ts <code>${escapeHtml(r.ts)}</code></span></div>
    <div class="msg-content">${content}</div>
  </div>
</div>
${mentioned.length > 0 ? `<div class="mentions">Mentions ${mentioned.join(' ')}</div>` : ''}
${fallback}
${metadata}
</article>`;
}

// ---- tickets and CRM cases -------------------------------------------------------------------

function jsonDetails(label: string, value: unknown): string {
  return `<details><summary>${escapeHtml(label)}</summary><pre class="json">${escapeHtml(JSON.stringify(value, null, 2))}</pre></details>`;
}

function renderTicket(r: TicketOutboxRecord, apiBase: string): string {
  return `<article class="item ticket" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-ticket">Ticket</span>', `<span class="title"><code>${escapeHtml(r.ticketId)}</code> ${escapeHtml(r.title)}</span>`)}
${r.description ? `<pre class="mail-text">${escapeHtml(r.description)}</pre>` : ''}
${jsonDetails('Request body', r.body)}
</article>`;
}

function renderCase(r: CaseOutboxRecord, apiBase: string): string {
  return `<article class="item case" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-case">CRM case</span>', `<span class="title"><code>${escapeHtml(r.caseNumber)}</code> opened for ${escapeHtml(r.accountName)} <span class="muted">(${escapeHtml(r.accountId)})</span></span>`)}
${typeof r.body.reason === 'string' ? `<p>${escapeHtml(r.body.reason)}</p>` : ''}
${jsonDetails('Request body', r.body)}
</article>`;
}

function renderCaseNote(r: CaseNoteOutboxRecord, apiBase: string): string {
  const status = r.status ? ` <span class="chip">status ${escapeHtml(r.status)}</span>` : '';
  return `<article class="item case-note" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-case">Case note</span>', `<span class="title">Note on <code>${escapeHtml(r.caseNumber)}</code> <span class="muted">(${escapeHtml(r.noteKind)}${r.author ? `, by ${escapeHtml(r.author)}` : ''})</span>${status}</span>`)}
<pre class="mail-text">${escapeHtml(r.text)}</pre>
<p class="muted">Note id <code>${escapeHtml(r.noteId)}</code></p>
</article>`;
}

function renderTrackingRow(r: TrackingRowOutboxRecord, apiBase: string): string {
  const fields = Object.entries(r.fields)
    .filter(([, v]) => v !== null && v !== '')
    .map(([k, v]) => `<tr><th>${escapeHtml(k)}</th><td>${escapeHtml(String(v))}</td></tr>`)
    .join('');
  return `<article class="item tracking-row" id="${escapeHtml(r.id)}">
${itemHead(r, apiBase, '<span class="badge badge-ticket">Tracking</span>', `<span class="title"><code>${escapeHtml(r.rowId)}</code> ${escapeHtml(r.title)} <span class="muted">(list ${escapeHtml(r.list)})</span></span>`)}
<table class="row-fields">${fields}</table>
<p class="muted"><a href="${escapeHtml(r.url)}">row</a> · <a href="${escapeHtml(r.listUrl)}">list</a></p>
</article>`;
}

const OPEN = '\uE000';
const CLOSE = '\uE001';

/** Slack mrkdwn to HTML: entities (mentions, links), *bold*, _italic_, ~strike~, `code`, ```pre```, > quotes. */
export function renderMrkdwn(text: string, labels: Record<string, string>): string {
  const parts: string[] = [];
  const hold = (html: string) => `${OPEN}${parts.push(html) - 1}${CLOSE}`;
  let plain = '';
  for (const token of tokenizeSlackText(text.replace(/[\uE000\uE001]/g, ''))) {
    plain += token.kind === 'text' ? decodeSlackEntities(token.text) : hold(renderEntity(token, labels));
  }
  let html = escapeHtml(plain)
    .replace(/```([\s\S]*?)```/g, (_m, code: string) => hold(`<pre class="code">${code.replace(/^\n/, '')}</pre>`))
    .replace(/`([^`\n]+)`/g, (_m, code: string) => hold(`<code>${code}</code>`));
  // Emoji codes as Slack shows them (outside code, which is held above): ":warning:" -> ⚠️. Unknown
  // codes (a workspace's custom emoji) stay as typed, as Slack shows a code it does not know.
  html = html.replace(/:([a-z0-9_+-]+):/gi, (code: string, name: string) => {
    const glyph = emoji.get(name);
    return glyph ? hold(`<span class="emoji" title="${code}">${glyph}</span>`) : code;
  });
  html = html
    .replace(/(^|[^\w*])\*(?=\S)([^*\n]*?\S)\*(?!\w)/g, '$1<strong>$2</strong>')
    .replace(/(^|[^\w_])_(?=\S)([^_\n]*?\S)_(?!\w)/g, '$1<em>$2</em>')
    .replace(/(^|[^\w~])~(?=\S)([^~\n]*?\S)~(?!\w)/g, '$1<del>$2</del>');
  html = html
    .split('\n')
    .map((line) => (line.startsWith('&gt;') ? `<span class="quote">${line.replace(/^&gt;\s?/, '')}</span>` : line))
    .join('<br>');
  // Held parts can hold others (a mention inside a code span): expand until none is left.
  const placeholder = new RegExp(`${OPEN}(\\d+)${CLOSE}`, 'g');
  for (let depth = 0; depth < 3 && html.includes(OPEN); depth += 1) {
    html = html.replace(placeholder, (_m, i: string) => parts[Number(i)] ?? '');
  }
  return html;
}

function renderEntity(token: Exclude<SlackToken, { kind: 'text' }>, labels: Record<string, string>): string {
  switch (token.kind) {
    case 'user':
      return `<span class="mention" title="${escapeHtml(token.id)}">${escapeHtml(labels[token.id] ?? at(token.label) ?? `@${token.id}`)}</span>`;
    case 'usergroup':
      return `<span class="mention group" title="${escapeHtml(token.id)}">${escapeHtml(labels[token.id] ?? at(token.label) ?? `@${token.id}`)}</span>`;
    case 'broadcast':
      return `<span class="mention broadcast">@${escapeHtml(token.range)}</span>`;
    case 'channel':
      return `<span class="channel-ref">#${escapeHtml(token.label ?? token.id)}</span>`;
    case 'link':
      return link(token.url, token.label ?? token.url);
    case 'date':
      return escapeHtml(token.fallback);
  }
}

function at(label: string | undefined): string | undefined {
  return label === undefined ? undefined : label.startsWith('@') ? label : `@${label}`;
}

function link(url: string, label: string): string {
  if (!/^(https?:|mailto:|tel:)/i.test(url)) return escapeHtml(label);
  return `<a href="${escapeHtml(url)}" rel="noopener noreferrer" target="_blank">${escapeHtml(label)}</a>`;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

function renderTextObject(value: unknown, labels: Record<string, string>): string {
  if (!isObj(value)) return '';
  if (value.type === 'mrkdwn') return renderMrkdwn(str(value.text), labels);
  return escapeHtml(str(value.text)).replace(/\n/g, '<br>');
}

function renderElement(value: unknown, labels: Record<string, string>, press?: Press): string {
  if (!isObj(value)) return '';
  if (value.type === 'button') {
    const pressable = press?.(value, renderTextObject(value.text, labels));
    if (pressable) return pressable;
    const style = value.style === 'primary' || value.style === 'danger' ? ` ${value.style}` : '';
    return `<span class="btn${style}" title="${escapeHtml(`action_id ${str(value.action_id)}`)}">${renderTextObject(value.text, labels)}</span>`;
  }
  if (value.type === 'image') return `<span class="img-alt">🖼 ${escapeHtml(str(value.alt_text))}</span>`;
  if (value.type === 'plain_text' || value.type === 'mrkdwn') return renderTextObject(value, labels);
  return `<span class="btn ghost">${escapeHtml(str(value.type) || 'element')}</span>`;
}

export function renderBlocks(blocks: unknown[], labels: Record<string, string>, press?: Press): string {
  return blocks
    .map((block) => {
      if (!isObj(block)) return '';
      switch (block.type) {
        case 'header':
          return `<div class="blk header">${renderTextObject(block.text, labels)}</div>`;
        case 'divider':
          return '<hr class="blk divider">';
        case 'section': {
          const fields = Array.isArray(block.fields)
            ? `<div class="fields">${block.fields.map((f) => `<div>${renderTextObject(f, labels)}</div>`).join('')}</div>`
            : '';
          const accessory = block.accessory ? `<div class="accessory">${renderElement(block.accessory, labels, press)}</div>` : '';
          return `<div class="blk section"><div class="sec-main">${renderTextObject(block.text, labels)}${fields}</div>${accessory}</div>`;
        }
        case 'context': {
          const elements = Array.isArray(block.elements) ? block.elements : [];
          return `<div class="blk context">${elements.map((e) => `<span>${renderElement(e, labels)}</span>`).join('')}</div>`;
        }
        case 'actions': {
          const elements = Array.isArray(block.elements) ? block.elements : [];
          return `<div class="blk actions">${elements.map((e) => renderElement(e, labels, press)).join('')}</div>`;
        }
        case 'image':
          return `<div class="blk image">🖼 ${escapeHtml(str(block.alt_text))}${isObj(block.title) ? ` — ${renderTextObject(block.title, labels)}` : ''}</div>`;
        case 'rich_text':
          return `<div class="blk rich">${(Array.isArray(block.elements) ? block.elements : []).map((e) => renderRichPart(e, labels)).join('')}</div>`;
        case 'markdown':
          return `<div class="blk markdown">${escapeHtml(str(block.text)).replace(/\n/g, '<br>')}</div>`;
        default:
          return `<div class="blk unknown">[${escapeHtml(str(block.type) || 'unknown')} block]</div>`;
      }
    })
    .join('');
}

function renderRichPart(part: unknown, labels: Record<string, string>): string {
  if (!isObj(part)) return '';
  const children = (Array.isArray(part.elements) ? part.elements : []) as unknown[];
  switch (part.type) {
    case 'rich_text_section':
      return `<div>${children.map((c) => renderRichInline(c, labels)).join('')}</div>`;
    case 'rich_text_quote':
      return `<div class="quote">${children.map((c) => renderRichInline(c, labels)).join('')}</div>`;
    case 'rich_text_preformatted':
      return `<pre class="code">${children.map((c) => renderRichInline(c, labels)).join('')}</pre>`;
    case 'rich_text_list': {
      const tag = part.style === 'ordered' ? 'ol' : 'ul';
      return `<${tag}>${children.map((c) => `<li>${renderRichPart(c, labels)}</li>`).join('')}</${tag}>`;
    }
    default:
      return renderRichInline(part, labels);
  }
}

function renderRichInline(el: unknown, labels: Record<string, string>): string {
  if (!isObj(el)) return '';
  const style = isObj(el.style) ? el.style : {};
  let html: string;
  switch (el.type) {
    case 'text':
      html = escapeHtml(str(el.text)).replace(/\n/g, '<br>');
      break;
    case 'link':
      html = link(str(el.url), str(el.text) || str(el.url));
      break;
    case 'user':
      html = `<span class="mention">${escapeHtml(labels[str(el.user_id)] ?? `@${str(el.user_id)}`)}</span>`;
      break;
    case 'usergroup':
      html = `<span class="mention group">${escapeHtml(labels[str(el.usergroup_id)] ?? `@${str(el.usergroup_id)}`)}</span>`;
      break;
    case 'broadcast':
      html = `<span class="mention broadcast">@${escapeHtml(str(el.range))}</span>`;
      break;
    case 'channel':
      html = `<span class="channel-ref">#${escapeHtml(str(el.channel_id))}</span>`;
      break;
    case 'emoji':
      html = typeof el.unicode === 'string' && /^[0-9a-f-]+$/i.test(el.unicode)
        ? el.unicode.split('-').map((cp) => `&#x${cp};`).join('')
        : `:${escapeHtml(str(el.name))}:`;
      break;
    default:
      html = '';
  }
  if (style.code === true) html = `<code>${html}</code>`;
  if (style.bold === true) html = `<strong>${html}</strong>`;
  if (style.italic === true) html = `<em>${html}</em>`;
  if (style.strike === true) html = `<del>${html}</del>`;
  return html;
}
