// User-supplied values are data in Slack mrkdwn (issue 17 item 16): escaped, never mentions or links.
import { describe, expect, it } from 'vitest';
import { escapeMrkdwn, join, lines, link, mention, mrkdwnOf, slack, truncateMrkdwn, type SlackText } from '../../workflows/kit/slack-text.js';

const hostile = 'Sales & Service Leads <EMEA> <!channel> @{here} <@U0MORGAN01> <https://evil.example|click>';

describe('slack``', () => {
  it('escapes &, < and > in every value and breaks the engine mention token', () => {
    const text = slack`"${hostile}" has a problem`.mrkdwn;
    expect(text).toBe(
      '"Sales &amp; Service Leads &lt;EMEA&gt; &lt;!channel&gt; @\u2060{here} &lt;@U0MORGAN01&gt; &lt;https://evil.example|click&gt;" has a problem',
    );
    expect(text).not.toMatch(/<!|<@|<http|@\{here\}/);
  });

  it('keeps the template, numbers and the engine pieces; prints nothing for null and undefined', () => {
    const text = slack`:rotating_light: ${mention.person('booking-owner')} round ${2}${null}${undefined} ${mention.group('on-call')} ${mention.here()}`;
    expect(text.mrkdwn).toBe(':rotating_light: @{booking-owner} round 2 @{group:on-call} @{here}');
  });

  it('refuses a mention spliced from a value and a mention of something that is not a directory key', () => {
    const key = 'csm';
    expect(() => slack`@{${key}}`).toThrow(/mention\./);
    expect(() => mention.person('<!channel>')).toThrow(/directory key/);
    expect(() => mention.group('Accounting')).toThrow(/directory key/);
  });

  it('nests: a SlackText inside a template is kept as it is, not escaped twice', () => {
    const inner = slack`${'a & b'}`;
    expect(slack`[${inner}]`.mrkdwn).toBe('[a &amp; b]');
    expect(lines(slack`one`, false, null, undefined, '', slack`two`).mrkdwn).toBe('one\ntwo');
    expect(join([slack`a`, slack`b`], ' · ').mrkdwn).toBe('a · b');
  });
});

describe('link()', () => {
  it('links https and http, with an escaped label, and cannot be closed early', () => {
    expect(link('https://crm.example.com/a?x=1&y=2', 'Acme <Clinics>').mrkdwn).toBe('<https://crm.example.com/a?x=1&y=2|Acme &lt;Clinics&gt;>');
    expect(link('https://crm.example.com/a|b>c', 'x').mrkdwn).toBe('<https://crm.example.com/a%7Cb%3Ec|x>');
  });

  it('shows any other scheme as text, never as a link', () => {
    expect(link('javascript:alert(1)', 'open').mrkdwn).toBe('open (javascript:alert(1))');
    expect(link('not a url <!here>', 'open').mrkdwn).toBe('open (not a url &lt;!here&gt;)');
  });
});

it('escapeMrkdwn leaves ordinary text alone', () => {
  expect(escapeMrkdwn('Leading Essentials: 11 AM CT')).toBe('Leading Essentials: 11 AM CT');
});

describe('across an activity boundary and at a length limit', () => {
  it('mrkdwnOf reads a SlackText as Temporal carries it ({ mrkdwn }) and escapes a bare string as data', () => {
    const carried = JSON.parse(JSON.stringify(slack`Escalation ${'Sales & Service Leads <EMEA> <!channel>'}`)) as SlackText;
    expect(mrkdwnOf(carried)).toBe('Escalation Sales &amp; Service Leads &lt;EMEA&gt; &lt;!channel&gt;');
    expect(mrkdwnOf('a <!channel> & b')).toBe('a &lt;!channel&gt; &amp; b');
  });

  it('truncateMrkdwn never ends inside an entity or a <…> token', () => {
    expect(truncateMrkdwn('short', 10)).toBe('short');
    expect(truncateMrkdwn(`${'x'.repeat(8)}&amp;`, 10)).toBe(`${'x'.repeat(8)}…`);
    expect(truncateMrkdwn(`x <https://a.example|label> y`, 10)).toBe('x …');
    expect(truncateMrkdwn('abcdefghijkl', 10)).toBe('abcdefghi…');
  });
});
