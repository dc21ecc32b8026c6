// The pure Block Kit helpers: button values the interactions endpoint can trust, Slack's limits.
import { describe, expect, it } from 'vitest';
import {
  buttonActionId,
  buttonsBlock,
  buttonValue,
  mapBlockTexts,
  messageBlocks,
  parseButtonValue,
  SlackBlocksError,
  textSections,
  type SlackBlock,
} from '../../activities/slack-blocks.js';

describe('button values', () => {
  it('round-trip through JSON', () => {
    const button = { event: 'call-outcome', label: 'No answer', extra: { outcome: 'no-answer', attempt: 2, final: false } };
    expect(parseButtonValue(buttonValue('esc-1', button))).toEqual({ escalationId: 'esc-1', type: 'call-outcome', extra: button.extra });
    expect(buttonActionId(button)).toBe('escalation:call-outcome:no-answer:2:false');
    expect(buttonActionId({ ...button, actionId: 'custom' })).toBe('custom');
  });

  it.each([
    ['not JSON', 'ack'],
    ['an array', '[1]'],
    ['no escalation id', '{"type":"resolved"}'],
    ['empty type', '{"escalationId":"e","type":""}'],
    ['nested extra', '{"escalationId":"e","type":"t","extra":{"a":{"b":1}}}'],
    ['extra not an object', '{"escalationId":"e","type":"t","extra":"x"}'],
  ])('rejects %s', (_, value) => {
    expect(parseButtonValue(value)).toBeUndefined();
  });
});

describe("Slack's limits", () => {
  const b = (i: number) => ({ event: `e${i}`, label: `Button ${i}` });

  it('at most 25 buttons, labels 1..75 characters, values at most 2000 characters', () => {
    expect(() => buttonsBlock('e', Array.from({ length: 26 }, (_, i) => b(i)))).toThrow(SlackBlocksError);
    expect(() => buttonsBlock('e', [{ event: 'x', label: ' ' }])).toThrow(/label/);
    expect(() => buttonsBlock('e', [{ event: 'x', label: 'x'.repeat(76) }])).toThrow(/label/);
    expect(() => buttonsBlock('e', [{ event: 'x', label: 'X', actionId: 'x', extra: { note: 'n'.repeat(2000) } }])).toThrow(/value is \d+ characters/);
    expect(() => buttonsBlock('e', [{ event: 'x', label: 'X', extra: { note: 'n'.repeat(300) } }])).toThrow(/action_id longer than 255 .*set actionId/);
    expect(() => buttonsBlock('e', [])).toThrow(SlackBlocksError);
    expect(buttonsBlock('e', Array.from({ length: 25 }, (_, i) => b(i))).elements).toHaveLength(25);
  });

  it('long text becomes several sections of at most 3000 characters, split at line breaks', () => {
    const line = 'x'.repeat(1000);
    const sections = textSections([line, line, line, line].join('\n'));
    expect(sections).toHaveLength(2);
    expect(sections.map((s) => (s.text as { text: string }).text.length)).toEqual([2001, 2001]);
    const oneLong = textSections('y'.repeat(7000));
    expect(oneLong.map((s) => (s.text as { text: string }).text.length)).toEqual([3000, 3000, 1000]);
    expect(textSections('')).toEqual([]);
  });

  it('plain text stays plain (no blocks) unless there are blocks or buttons; at most 50 blocks', () => {
    expect(messageBlocks({ escalationId: 'e', text: 'hi' })).toBeUndefined();
    const many = Array.from({ length: 50 }, (): SlackBlock => ({ type: 'divider' }));
    expect(messageBlocks({ escalationId: 'e', text: 'hi', blocks: many })).toHaveLength(50);
    expect(() => messageBlocks({ escalationId: 'e', text: 'hi', blocks: many, buttons: [b(1)] })).toThrow(/at most 50 blocks/);
  });

  it('mapBlockTexts reaches every text object and leaves the input alone', () => {
    const blocks: SlackBlock[] = [
      { type: 'section', text: { type: 'mrkdwn', text: 'a' }, fields: [{ type: 'plain_text', text: 'b' }], accessory: { type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'c' } } },
    ];
    const copy = structuredClone(blocks);
    const mapped = mapBlockTexts(blocks, (t, kind) => `${t}:${kind}`);
    expect(mapped).toEqual([
      {
        type: 'section',
        text: { type: 'mrkdwn', text: 'a:mrkdwn' },
        fields: [{ type: 'plain_text', text: 'b:plain_text' }],
        accessory: { type: 'button', action_id: 'x', text: { type: 'plain_text', text: 'c:plain_text' } },
      },
    ]);
    expect(blocks).toEqual(copy);
  });
});
