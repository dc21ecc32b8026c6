// Slack mrkdwn built only from the engine's own templates. Whatever a person typed (a session title,
// an offer, a problem description) is data: interpolated into `slack`…`` it is escaped (`&`, `<`, `>`
// as Slack's "Formatting text for app surfaces" asks) and the engine's mention token `@{` is broken,
// so `Sales & Service <EMEA> <!channel>` is shown as typed and pings nobody. Mentions and links
// exist only through `mention.*` and `link()` (design brief: "Mentions and links come only from the
// engine's own templates").
//
//   slack`:rotating_light: ${mention.person(owner)} "${title}" has a problem`   // title escaped
//   lines(slack`• Offer: ${offer}`, condition && slack`• …`)                     // joined with \n
//
// The activity resolves `@{person}`, `@{group:key}` and `@{here}` from the directory
// (activities/slack.ts `mentionResolver`).

/** A piece of mrkdwn the engine vouches for; only this module makes one. */
export class SlackText {
  /** @internal use `slack`…``, `mention`, `link`, `lines`. */
  constructor(readonly mrkdwn: string) {}

  toString(): string {
    return this.mrkdwn;
  }
}

/**
 * mrkdwn the engine itself posted earlier (kept in its state), sent again as it was, e.g. the text
 * of a message whose buttons are removed. Never for text from anywhere else.
 */
export const postedText = (mrkdwn: string): SlackText => new SlackText(mrkdwn);

/** What a template may interpolate: data (escaped) or SlackText (kept). `null`/`undefined` print nothing. */
export type SlackValue = string | number | boolean | SlackText | null | undefined;

// A word joiner between `@` and `{`: looks the same, but is no longer the engine's mention token.
const WORD_JOINER = '\u2060';

/** `value` as literal text in mrkdwn. */
export function escapeMrkdwn(value: string): string {
  return value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/@\{/g, `@${WORD_JOINER}{`);
}

function piece(value: SlackValue): string {
  if (value instanceof SlackText) return value.mrkdwn;
  if (value === null || value === undefined) return '';
  return escapeMrkdwn(String(value));
}

/**
 * A mrkdwn template: its literal parts are the engine's text, every interpolated value is escaped
 * unless it is a SlackText. Throws (a programming error, caught by the tests) when a literal part
 * would splice a value into a mention token (`@{${key}}`): use `mention.*`.
 */
export function slack(strings: TemplateStringsArray, ...values: SlackValue[]): SlackText {
  let out = strings[0] ?? '';
  for (let i = 0; i < values.length; i++) {
    if (/@\{[a-z0-9:-]*$/.test(out)) throw new TypeError('slack``: build mentions with mention.person/group/here, not "@{${…}}"');
    out += piece(values[i]) + (strings[i + 1] ?? '');
  }
  return new SlackText(out);
}

/** A directory key, checked so that a mention token can never be built from anything else. */
function key(k: string): string {
  if (!/^[a-z0-9][a-z0-9-]*$/.test(k)) throw new TypeError(`not a directory key: '${k}'`);
  return k;
}

/** Mentions from the directory, resolved by the Slack activity (a person without a Slack id is named). */
export const mention = {
  /** `<@U…>` of a directory person. */
  person: (personKey: string) => new SlackText(`@{${key(personKey)}}`),
  /** `<!subteam^S…>` of a directory group. */
  group: (groupKey: string) => new SlackText(`@{group:${key(groupKey)}}`),
  /** `<!here>`: only for templates whose SOP step pages the channel. */
  here: () => new SlackText('@{here}'),
};

/**
 * `<url|label>`: a link only to an `https:` (or `http:`) URL; anything else (e.g. `javascript:`) is
 * shown as escaped text with the label. `<`, `>` and `|` in the URL are percent-encoded so the link
 * cannot end early.
 */
export function link(url: string, label: SlackValue): SlackText {
  let parsed: URL | undefined;
  try {
    parsed = new URL(url);
  } catch {
    parsed = undefined;
  }
  const text = piece(label) || escapeMrkdwn(url);
  if (!parsed || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) return new SlackText(`${text} (${escapeMrkdwn(url)})`);
  const safe = parsed.href.replace(/</g, '%3C').replace(/>/g, '%3E').replace(/\|/g, '%7C');
  return new SlackText(`<${safe}|${text}>`);
}

/**
 * The mrkdwn of a SlackText that crossed an activity boundary. Temporal's JSON converter carries a
 * SlackText as `{ mrkdwn }` (no prototype), so activities read it here; a bare string (an attempt
 * scheduled before the activity took SlackText) is data and escaped, never trusted.
 */
export function mrkdwnOf(text: SlackText | string): string {
  return typeof text === 'string' ? escapeMrkdwn(text) : text.mrkdwn;
}

/**
 * mrkdwn cut to at most `max` characters (with `…`) without splitting an entity (`&amp;`) or a
 * `<…>` token (a link or a mention), which Slack would show broken or not at all.
 */
export function truncateMrkdwn(mrkdwn: string, max: number): string {
  if (mrkdwn.length <= max) return mrkdwn;
  const cut = mrkdwn
    .slice(0, max - 1)
    .replace(/&[a-z#0-9]*$/i, '')
    .replace(/<[^>]*$/, '');
  return `${cut}…`;
}

/** Joins pieces with `separator` (a newline by default), leaving out `false`, `null`, `undefined` and ''. */
export function join(parts: readonly (SlackText | false | null | undefined | '')[], separator = '\n'): SlackText {
  return new SlackText(parts.filter((p): p is SlackText => p instanceof SlackText).map((p) => p.mrkdwn).join(separator));
}

/** The pieces as lines of one message. */
export function lines(...parts: (SlackText | false | null | undefined | '')[]): SlackText {
  return join(parts);
}
