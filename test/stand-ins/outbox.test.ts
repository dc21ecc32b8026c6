import { describe, expect, it } from 'vitest';
import { Outbox, type OutboxEntry } from '../../src/stand-ins/outbox.js';
import { collectMentions } from '../../src/stand-ins/slack-format.js';

const slack = (ts: string, escalationId?: string): OutboxEntry => ({
  kind: 'slack',
  method: 'chat.postMessage',
  ...(escalationId ? { escalationId } : {}),
  channel: { id: 'C1', name: 'general' },
  ts,
  text: ts,
  mentions: { users: [], userGroups: [], broadcasts: [], labels: {} },
});

const email = (escalationId: string): OutboxEntry => ({
  kind: 'email',
  escalationId,
  messageId: 'm',
  from: { email: 'a@example.com' },
  to: [{ email: 'b@example.com' }],
  cc: [],
  bcc: [],
  subject: 's',
  custom_args: { escalation_id: escalationId },
  categories: [],
});

describe('Outbox', () => {
  it('lists newest first, filtered by kind and escalation, with a limit', () => {
    const outbox = new Outbox();
    outbox.append(slack('1', 'e1'));
    outbox.append(email('e1'));
    outbox.append(slack('2', 'e2'));
    expect(outbox.list().map((r) => r.kind)).toEqual(['slack', 'email', 'slack']);
    expect(outbox.list({ escalationId: 'e1' }).map((r) => r.kind)).toEqual(['email', 'slack']);
    expect(outbox.list({ kind: 'slack' }).map((r) => r.ts)).toEqual(['2', '1']);
    expect(outbox.list({ limit: 1 })).toHaveLength(1);
    const [first] = outbox.list({ kind: 'slack', escalationId: 'e1' });
    expect(first).toMatchObject({ id: expect.stringMatching(/^slack-/), at: expect.any(String) });
    expect(outbox.get(first!.id)).toBe(first);
    outbox.clear();
    expect(outbox.size).toBe(0);
  });

  it('drops the oldest records past maxRecords', () => {
    const outbox = new Outbox({ maxRecords: 2 });
    for (const ts of ['1', '2', '3']) outbox.append(slack(ts));
    expect(outbox.list({ kind: 'slack' }).map((r) => r.ts)).toEqual(['3', '2']);
  });

  it('waitFor resolves with an existing record, a later one, or rejects on timeout', async () => {
    const outbox = new Outbox();
    outbox.append(slack('1', 'e1'));
    await expect(outbox.waitFor((r) => r.escalationId === 'e1', 10)).resolves.toMatchObject({ ts: '1' });

    const later = outbox.waitFor((r) => r.kind === 'email' && r.escalationId === 'e2', 1_000);
    setTimeout(() => outbox.append(email('e2')), 20);
    await expect(later).resolves.toMatchObject({ kind: 'email', escalationId: 'e2' });

    await expect(outbox.waitFor((r) => r.escalationId === 'never', 30)).rejects.toThrow(/no matching record within 30 ms/);
  });

  it('a throwing predicate rejects its waitFor without breaking append', async () => {
    const outbox = new Outbox();
    const waiting = outbox.waitFor(() => {
      throw new Error('bad predicate');
    }, 1_000);
    expect(() => outbox.append(slack('1'))).not.toThrow();
    await expect(waiting).rejects.toThrow('bad predicate');
  });
});

describe('collectMentions', () => {
  it('finds mentions in text, mrkdwn blocks and rich_text, but not in plain_text', () => {
    const mentions = collectMentions(
      {
        text: 'Hey <@U1> and <@W2|someone> <!subteam^S1|@oncall> <!channel> <!date^1|today>',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '<!here> <@U3>' } },
          { type: 'header', text: { type: 'plain_text', text: '<@U9>' } },
          {
            type: 'rich_text',
            elements: [
              { type: 'rich_text_section', elements: [{ type: 'user', user_id: 'U4' }, { type: 'usergroup', usergroup_id: 'S2' }, { type: 'broadcast', range: 'everyone' }] },
            ],
          },
        ],
      },
      { userName: (id) => (id === 'U1' ? 'ann' : undefined), groupHandle: () => undefined },
    );
    expect(mentions).toEqual({
      users: ['U1', 'W2', 'U3', 'U4'],
      userGroups: ['S1', 'S2'],
      broadcasts: ['channel', 'here', 'everyone'],
      labels: { U1: '@ann', W2: '@someone', S1: '@oncall', U3: '@U3', U4: '@U4', S2: '@S2' },
    });
  });
});
