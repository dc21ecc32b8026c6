// The outbox page shows Slack emoji codes as Slack does (issue 16 item 9): ":warning:" is ⚠️, outside
// code only; a code Slack would not know stays as typed; values stay escaped.
import { describe, expect, it } from 'vitest';
import { renderMrkdwn } from '../../src/stand-ins/outbox-view.js';

describe('emoji codes on the outbox page', () => {
  it('renders the engine’s codes as emoji', () => {
    const html = renderMrkdwn(':rotating_light: please respond :warning: :telephone_receiver: :white_check_mark: :x:', {});
    expect(html).toContain('🚨');
    expect(html).toContain('⚠️');
    expect(html).toContain('📞');
    expect(html).toContain('✅');
    expect(html).toContain('❌');
    expect(html).not.toMatch(/:(rotating_light|warning|telephone_receiver|white_check_mark|x):(?!")/);
    expect(html).toContain('title=":warning:"');
  });

  it('leaves codes in code spans, unknown codes and times alone, and keeps escaping', () => {
    const html = renderMrkdwn('`:warning:` at 11:00:30 :our_custom_logo: &lt;b&gt; :smile:', {});
    expect(html).toContain('<code>:warning:</code>');
    expect(html).toContain('11:00:30');
    expect(html).toContain(':our_custom_logo:');
    expect(html).toContain('&lt;b&gt;');
    expect(html).toContain('😄');
  });
});
