// Slack's message text syntax (`<@U…>`, `<!subteam^S…|@handle>`, `<!here>`, `<url|label>`, with
// `&amp; &lt; &gt;` escaping), shared by the stand-in (to record mentions) and the outbox page (to
// render them).
import type { SlackBroadcast, SlackMentions } from './outbox-schema.js';

export type SlackToken =
  /** Literal text, still in Slack's escaped form. */
  | { kind: 'text'; text: string }
  | { kind: 'user'; id: string; label?: string }
  | { kind: 'usergroup'; id: string; label?: string }
  | { kind: 'broadcast'; range: SlackBroadcast }
  | { kind: 'channel'; id: string; label?: string }
  | { kind: 'link'; url: string; label?: string }
  | { kind: 'date'; fallback: string };

const BROADCASTS: readonly string[] = ['here', 'channel', 'everyone'];

export function tokenizeSlackText(text: string): SlackToken[] {
  const tokens: SlackToken[] = [];
  let last = 0;
  for (const match of text.matchAll(/<([^<>\n]+)>/g)) {
    if (match.index > last) tokens.push({ kind: 'text', text: text.slice(last, match.index) });
    tokens.push(parseEntity(match[1]!) ?? { kind: 'text', text: match[0] });
    last = match.index + match[0].length;
  }
  if (last < text.length) tokens.push({ kind: 'text', text: text.slice(last) });
  return tokens;
}

function parseEntity(inner: string): SlackToken | undefined {
  const bar = inner.indexOf('|');
  const head = bar === -1 ? inner : inner.slice(0, bar);
  const label = bar === -1 ? undefined : inner.slice(bar + 1) || undefined;
  const withLabel = <T extends object>(token: T) => (label === undefined ? token : { ...token, label });
  if (head.startsWith('@') && head.length > 1) return withLabel({ kind: 'user' as const, id: head.slice(1) });
  if (head.startsWith('#') && head.length > 1) return withLabel({ kind: 'channel' as const, id: head.slice(1) });
  if (head.startsWith('!subteam^')) return withLabel({ kind: 'usergroup' as const, id: head.slice('!subteam^'.length) });
  if (head.startsWith('!') && BROADCASTS.includes(head.slice(1))) {
    return { kind: 'broadcast', range: head.slice(1) as SlackBroadcast };
  }
  if (head.startsWith('!date^')) return { kind: 'date', fallback: label ?? head };
  if (/^(https?|mailto|tel):/i.test(head)) return withLabel({ kind: 'link' as const, url: head });
  return undefined;
}

/** Slack escapes only these three in message text. */
export function decodeSlackEntities(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

export interface MentionDirectory {
  userName(id: string): string | undefined;
  groupHandle(id: string): string | undefined;
}

/** Mentions in the text and in mrkdwn / rich_text parts of blocks and attachments, first seen first. */
export function collectMentions(
  parts: { text?: string | undefined; blocks?: unknown; attachments?: unknown },
  directory?: MentionDirectory,
): SlackMentions {
  const mentions: SlackMentions = { users: [], userGroups: [], broadcasts: [], labels: {} };
  const addUser = (id: string, label?: string) => {
    if (!mentions.users.includes(id)) mentions.users.push(id);
    mentions.labels[id] ??= atLabel(label) ?? atLabel(directory?.userName(id)) ?? `@${id}`;
  };
  const addGroup = (id: string, label?: string) => {
    if (!mentions.userGroups.includes(id)) mentions.userGroups.push(id);
    mentions.labels[id] ??= atLabel(label) ?? atLabel(directory?.groupHandle(id)) ?? `@${id}`;
  };
  const addBroadcast = (range: string) => {
    if (BROADCASTS.includes(range) && !mentions.broadcasts.includes(range as SlackBroadcast)) {
      mentions.broadcasts.push(range as SlackBroadcast);
    }
  };
  const scan = (text: string) => {
    for (const token of tokenizeSlackText(text)) {
      if (token.kind === 'user') addUser(token.id, token.label);
      else if (token.kind === 'usergroup') addGroup(token.id, token.label);
      else if (token.kind === 'broadcast') addBroadcast(token.range);
    }
  };
  const walk = (node: unknown, literal: boolean): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, false);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    const obj = node as Record<string, unknown>;
    if (obj.type === 'user' && typeof obj.user_id === 'string') addUser(obj.user_id);
    if (obj.type === 'usergroup' && typeof obj.usergroup_id === 'string') addGroup(obj.usergroup_id);
    if (obj.type === 'broadcast' && typeof obj.range === 'string') addBroadcast(obj.range);
    // plain_text objects and rich_text `text` elements are shown verbatim by Slack: no mentions there.
    const verbatim = literal || obj.type === 'plain_text' || obj.type === 'text';
    for (const [key, value] of Object.entries(obj)) {
      if (typeof value === 'string') {
        if (!verbatim && (key === 'text' || key === 'pretext')) scan(value);
      } else {
        walk(value, false);
      }
    }
  };
  if (parts.text) scan(parts.text);
  walk(parts.blocks, false);
  walk(parts.attachments, false);
  return mentions;
}

function atLabel(label: string | undefined): string | undefined {
  if (!label) return undefined;
  return label.startsWith('@') ? label : `@${label}`;
}
