// Block Kit for escalation messages: the text as sections, interactive buttons whose values carry
// the escalation event they send, and a walk over text objects (for mention resolution). Pure
// functions, no I/O: the activities build blocks here, and the interactions endpoint parses the
// button values with `parseButtonValue`. Block shapes are Slack's own types (`@slack/types`).
import type { ActionsBlock, Button, KnownBlock, SectionBlock } from '@slack/types';

/** A Block Kit block as Slack takes it (`section`, `header`, `context`, `actions`, ...). */
export type SlackBlock = KnownBlock;

/** Extra event fields a button sends along, e.g. `{ outcome: 'no-answer' }` for a call outcome. */
export type ButtonExtra = Record<string, string | number | boolean>;

/**
 * A button that sends an event to the escalation when pressed, e.g.
 * `{ event: 'owner-acknowledged', label: 'Acknowledge', style: 'primary' }` or
 * `{ event: 'call-outcome', label: 'No answer', extra: { outcome: 'no-answer' } }`.
 */
export interface SlackButton {
  /** The escalation event type the button delivers. */
  event: string;
  /** Button text (plain text, at most 75 characters), in the message's language. */
  label: string;
  style?: 'primary' | 'danger';
  /** Further fields of the event; they travel in the button's value. */
  extra?: ButtonExtra;
  /** Defaults to `escalation:<event>` followed by `:<value>` for each extra value (see buttonActionId). */
  actionId?: string;
  /** Ask "are you sure?" before sending (e.g. for resolve). */
  confirm?: { title: string; text: string; confirm: string; deny: string };
}

/** What a button's `value` carries (JSON), for the endpoint that receives Slack interactions. */
export interface ButtonValue {
  escalationId: string;
  type: string;
  extra?: ButtonExtra;
}

export const BUTTON_ACTION_PREFIX = 'escalation:';
export const ACTIONS_BLOCK_ID = 'escalation-actions';

// Slack's limits (Block Kit reference): section text 3000, button text 75, value 2000, action_id
// 255, 25 elements per actions block, 50 blocks per message.
const SECTION_TEXT_MAX = 3000;
const BUTTON_LABEL_MAX = 75;
const BUTTON_VALUE_MAX = 2000;
const ACTION_ID_MAX = 255;
const ACTIONS_MAX = 25;
const BLOCKS_MAX = 50;

/** A message that cannot be built (too many buttons, a value too long): fails without retry. */
export class SlackBlocksError extends Error {
  override name = 'SlackBlocksError';
}

/** `escalation:<event>[:<extra value>...]`: one per event, and per outcome when buttons share an event. */
export function buttonActionId(button: SlackButton): string {
  return button.actionId ?? [BUTTON_ACTION_PREFIX + button.event, ...Object.values(button.extra ?? {}).map(String)].join(':');
}

export function buttonValue(escalationId: string, button: SlackButton): string {
  const value: ButtonValue = { escalationId, type: button.event, ...(button.extra && { extra: button.extra }) };
  return JSON.stringify(value);
}

/** The event a pressed button stands for, or undefined if the value is not one of ours. */
export function parseButtonValue(value: string): ButtonValue | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
  const { escalationId, type, extra } = parsed as Record<string, unknown>;
  if (typeof escalationId !== 'string' || escalationId === '' || typeof type !== 'string' || type === '') return undefined;
  if (extra === undefined) return { escalationId, type };
  if (typeof extra !== 'object' || extra === null || Array.isArray(extra)) return undefined;
  const fields = Object.entries(extra as Record<string, unknown>);
  if (!fields.every(([, v]) => typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) return undefined;
  return { escalationId, type, extra: Object.fromEntries(fields) as ButtonExtra };
}

/** The actions block for `buttons`; throws SlackBlocksError on what Slack would reject. */
export function buttonsBlock(escalationId: string, buttons: readonly SlackButton[]): ActionsBlock {
  if (buttons.length === 0) throw new SlackBlocksError('no buttons given');
  if (buttons.length > ACTIONS_MAX) throw new SlackBlocksError(`at most ${ACTIONS_MAX} buttons per message, got ${buttons.length}`);
  const seen = new Set<string>();
  const elements = buttons.map((button): Button => {
    const actionId = buttonActionId(button);
    const value = buttonValue(escalationId, button);
    if (button.label.trim() === '' || button.label.length > BUTTON_LABEL_MAX) {
      throw new SlackBlocksError(`button '${button.event}': label must be 1 to ${BUTTON_LABEL_MAX} characters`);
    }
    if (actionId.length > ACTION_ID_MAX) throw new SlackBlocksError(`button '${button.event}': action_id longer than ${ACTION_ID_MAX} characters (long extra values): set actionId`);
    if (seen.has(actionId)) {
      throw new SlackBlocksError(`two buttons share the action_id '${actionId}': give them different extra values or actionIds`);
    }
    seen.add(actionId);
    if (value.length > BUTTON_VALUE_MAX) {
      throw new SlackBlocksError(`button '${button.event}': value is ${value.length} characters, Slack allows ${BUTTON_VALUE_MAX}`);
    }
    return {
      type: 'button',
      action_id: actionId,
      text: { type: 'plain_text', text: button.label, emoji: true },
      value,
      ...(button.style && { style: button.style }),
      ...(button.confirm && {
        confirm: {
          title: { type: 'plain_text', text: button.confirm.title },
          text: { type: 'plain_text', text: button.confirm.text },
          confirm: { type: 'plain_text', text: button.confirm.confirm },
          deny: { type: 'plain_text', text: button.confirm.deny },
        },
      }),
    };
  });
  return { type: 'actions', block_id: ACTIONS_BLOCK_ID, elements };
}

/** The text as mrkdwn sections, split at line breaks where it exceeds a section's 3000 characters. */
export function textSections(text: string): SectionBlock[] {
  const chunks: string[] = [];
  let current = '';
  for (const line of text.split('\n')) {
    for (let piece = line; ; ) {
      const room = SECTION_TEXT_MAX - current.length - (current ? 1 : 0);
      if (piece.length <= room) {
        current = current ? `${current}\n${piece}` : piece;
        break;
      }
      if (current) {
        chunks.push(current);
        current = '';
        continue;
      }
      chunks.push(piece.slice(0, SECTION_TEXT_MAX));
      piece = piece.slice(SECTION_TEXT_MAX);
    }
  }
  if (current.trim()) chunks.push(current);
  return chunks.filter((c) => c.trim() !== '').map((c): SectionBlock => ({ type: 'section', text: { type: 'mrkdwn', text: c } }));
}

/** A context block of one mrkdwn line, e.g. how a task ended, under a message's text. */
export function noteBlock(note: string): SlackBlock {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: note.slice(0, SECTION_TEXT_MAX) }] };
}

/**
 * The blocks to send: the caller's blocks (or the text as sections when there are buttons but no
 * blocks), then the buttons. Undefined when the message is plain text.
 */
export function messageBlocks(input: {
  escalationId: string;
  text: string;
  blocks?: readonly SlackBlock[] | undefined;
  buttons?: readonly SlackButton[] | undefined;
}): SlackBlock[] | undefined {
  const buttons = input.buttons ?? [];
  if (input.blocks === undefined && buttons.length === 0) return undefined;
  const blocks = [...(input.blocks ?? textSections(input.text))];
  if (buttons.length > 0) blocks.push(buttonsBlock(input.escalationId, buttons));
  if (blocks.length > BLOCKS_MAX) throw new SlackBlocksError(`at most ${BLOCKS_MAX} blocks per message, got ${blocks.length}`);
  return blocks;
}

/**
 * A deep copy of `blocks` with `fn` applied to the text of every text object
 * (`{ type: 'mrkdwn' | 'plain_text', text }`), e.g. to resolve `@{person}` mentions.
 */
export function mapBlockTexts(
  blocks: readonly SlackBlock[],
  fn: (text: string, kind: 'mrkdwn' | 'plain_text') => string,
): SlackBlock[] {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (typeof node !== 'object' || node === null) return node;
    const obj = node as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(obj)) out[key] = walk(value);
    if ((obj.type === 'mrkdwn' || obj.type === 'plain_text') && typeof obj.text === 'string') {
      out.text = fn(obj.text, obj.type);
    }
    return out;
  };
  return blocks.map((b) => walk(b) as SlackBlock);
}
