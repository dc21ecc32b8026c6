// What the engine does with Slack's requests: button presses deliver their escalation event through
// the same gateway (schema, role rules) as the REST API, acting as the directory person behind the
// Slack user; `/escalate` and message shortcuts open a playbook's intake form (a modal generated
// from its input schema) and its submission starts the escalation as that person.
//
// Slack wants an answer within 3 seconds, so a press is acknowledged at once and its work (the
// event, the message update or the ephemeral refusal) runs after; `drain()` waits for that work.
import type { BlockAction, ButtonAction, MessageShortcut, SlashCommand, StaticSelectAction, ViewSubmitAction } from '@slack/bolt';
import type { ActionsBlock, ContextBlock, KnownBlock, ModalView } from '@slack/types';
import type { WebClient } from '@slack/web-api';
import type { FastifyBaseLogger } from 'fastify';
import { BUTTON_ACTION_PREFIX, parseButtonValue } from '../../activities/slack-blocks.js';
import { escapeMrkdwn } from '../../workflows/kit/slack-text.js';
import { actorOf, type Actor, type Identities } from '../auth/principal.js';
import type { Directory } from '../directory.js';
import type { EventGateway } from '../escalations/events.js';
import { defaultId, joinRequestId, parseInput, withReporter } from '../escalations/intake.js';
import type { EscalationService } from '../escalations/service.js';
import { defaultPlaybookSettings, playbookNames, playbooks, type AllPlaybookSettings, type Playbook } from '../playbooks.js';
import { HttpProblem } from '../problem.js';
import { blockErrors, formFields, formView, readForm, type ModalField } from './modal.js';

export interface SlackHandlerDeps {
  /** The real Web API client (the bot token), for chat.update, chat.postEphemeral, views.open/update. */
  web: WebClient;
  events: EventGateway;
  escalations: EscalationService;
  identities: Identities;
  directory: Directory;
  /** Each playbook's deployment settings (config); default: every setting's default. */
  playbookSettings?: AllPlaybookSettings | undefined;
  log: FastifyBaseLogger;
}

/** What Slack gets back: nothing (200, empty) or a JSON body (slash command text, view response actions). */
export type SlackAck = Record<string, unknown> | undefined;

const CHOOSE_PLAYBOOK = 'choose-playbook';
const INTAKE_PREFIX = 'intake:';
/** Fields the intake form leaves out: who reported it is the Slack user. */
const INTAKE_SKIP = ['/reportedBy'];
/** Slack's trigger_id lives 3 seconds; leave room for the answer. */
const VIEWS_OPEN_BUDGET_MS = 2_500;

interface IntakeMetadata {
  /** Where the command or shortcut was used: the confirmation goes there (ephemeral). */
  channel?: string;
}

/** `&`, `<`, `>` are control characters in mrkdwn: data never becomes a mention or a link (the kit's one rule). */
export { escapeMrkdwn };

/** A playbook's intake fields, or why it cannot be started from Slack. */
export function intakeFields(def: Playbook): { fields: ModalField[]; unsupported: string[] } {
  return formFields(def.inputSchema, INTAKE_SKIP);
}

export class SlackHandler {
  readonly #pending = new Set<Promise<void>>();
  /** Per message (`channel/ts`): the last edit queued, so edits of one message never overlap. */
  readonly #edits = new Map<string, Promise<unknown>>();
  readonly #pressesSeen = new Set<string>();

  constructor(private readonly deps: SlackHandlerDeps) {}

  /** Resolves when the work started after acknowledging has finished (tests, shutdown). */
  async drain(): Promise<void> {
    while (this.#pending.size > 0) await Promise.allSettled([...this.#pending]);
  }

  private later(what: string, fn: () => Promise<void>): void {
    const p = fn()
      .catch((err: unknown) => this.deps.log.error({ err }, `Slack: ${what} failed`))
      .finally(() => this.#pending.delete(p));
    this.#pending.add(p);
  }

  private actor(slackUserId: string): Actor | undefined {
    const person = this.deps.identities.bySlackUser(slackUserId);
    return person ? actorOf({ kind: 'person', person, scopes: new Set(), via: 'slack' }) : undefined;
  }

  private notInDirectory(slackUserId: string): string {
    return `Your Slack account (${slackUserId}) is not in the escalation engine's directory, so it cannot act on escalations. Ask an admin to add your slackUserId.`;
  }

  // ---------------------------------------------------------------- interactivity

  /** A verified interactivity payload (`payload=<json>` of POST /slack/interactions). */
  async interaction(payload: { type?: unknown }): Promise<SlackAck> {
    switch (payload.type) {
      case 'block_actions':
        return this.blockActions(payload as BlockAction);
      case 'view_submission':
        return this.viewSubmission(payload as ViewSubmitAction);
      case 'message_action':
        return this.messageShortcut(payload as MessageShortcut);
      default:
        return undefined;
    }
  }

  private async blockActions(payload: BlockAction): Promise<SlackAck> {
    const action = payload.actions?.[0];
    if (!action) return undefined;
    if (payload.container?.type === 'view' && action.action_id === CHOOSE_PLAYBOOK && action.type === 'static_select') {
      const chosen = playbooks[(action as StaticSelectAction).selected_option?.value ?? ''];
      const view = payload.view;
      if (chosen && view) {
        const meta = JSON.parse(view.private_metadata || '{}') as IntakeMetadata;
        this.later('views.update', async () => {
          await this.deps.web.views.update({ view_id: view.id, hash: view.hash, view: this.intakeView(chosen, meta) });
        });
      }
      return undefined;
    }
    if (action.type !== 'button' || !action.action_id.startsWith(BUTTON_ACTION_PREFIX)) return undefined;
    const button = action as ButtonAction;
    const value = parseButtonValue(button.value ?? '');
    const channel = String(payload.container?.channel_id ?? payload.channel?.id ?? '');
    const ts = String(payload.container?.message_ts ?? payload.message?.ts ?? '');
    const user = payload.user.id;
    if (!value || !channel || !ts) return undefined;
    const actor = this.actor(user);
    if (!actor) {
      this.later('ephemeral', () => this.tell(user, channel, this.notInDirectory(user)));
      return undefined;
    }
    const label = button.text?.text ?? value.type;
    // The press happened now, though it is delivered after Slack's ack: it is judged at this instant.
    const receivedAt = new Date().toISOString();
    // The message as the presser saw it: a snapshot, possibly already stale (another press may have
    // rewritten it since). Only a fallback for when the current message cannot be read.
    const seen: MessageContent = {
      text: String(payload.message?.text ?? ''),
      blocks: (payload.message?.blocks ?? []) as KnownBlock[],
    };
    const threadTs = typeof payload.message?.thread_ts === 'string' ? payload.message.thread_ts : undefined;
    const where = { channel, ts, threadTs };
    // Slack retries a press it got no answer to with the same trigger id (one update, applied once):
    // only the first delivery records it on the message.
    const repeat = this.#pressesSeen.has(payload.trigger_id);
    this.#pressesSeen.add(payload.trigger_id);
    if (this.#pressesSeen.size > PRESSES_REMEMBERED) this.#pressesSeen.delete(this.#pressesSeen.values().next().value!);
    this.later('button press', async () => {
      try {
        const { state } = await this.deps.events.send(value.escalationId, { type: value.type, ...value.extra }, actor, {
          idempotencyKey: `slack-${payload.trigger_id}`,
          receivedAt,
        });
        if (repeat) return;
        // Applied by this press: the current message (never the presser's snapshot, which would undo a
        // concurrent press's record) loses this button, or all of them once the escalation is closed.
        // A retry another API instance applied first (its button gone, this presser's line there) adds nothing.
        const mine = `<@${user}> pressed “${escapeMrkdwn(label)}”`;
        await this.editMessage(where, seen, (current) =>
          !offers(current.blocks, value.type) && JSON.stringify(current.blocks).includes(JSON.stringify(mine).slice(1, -1))
            ? undefined
            : withoutButtons(current, { removeEvent: value.type, removeAll: !state.open, note: `:white_check_mark: ${slackDate(Date.now())}: ${mine}` }),
        );
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        if (err.slug === 'no-worker') {
          // The update stays admitted: it may still apply, so this is not a refusal (and no retry hint for REST clients).
          await this.tell(user, channel, `:hourglass_flowing_sand: “${escapeMrkdwn(label)}” is not confirmed yet: no worker is processing escalations right now. It may still be applied when one returns; look at the escalation before pressing again.`);
          return;
        }
        // Refused (a concurrent press won, a rule, out of order, closed): the presser alone is told. The
        // message is not this press's to rewrite: it shows what was applied, by whom and when; buttons
        // left on a closed escalation are the workflow's to close (kit/notify.ts closeRemainingPosts).
        await this.tell(user, channel, `:no_entry: “${escapeMrkdwn(label)}” was not applied: ${escapeMrkdwn(err.detail ?? err.title)}`);
      }
    });
    return undefined;
  }

  /**
   * Rewrites a message from its current content: `change` gets the message as Slack has it now
   * (conversations.history / replies) and answers the new content, or undefined to leave it. Edits
   * of one message run one after another here, so two presses never both start from the same
   * content. When the message cannot be read, `fallback` (the presser's snapshot) is used, or,
   * without one, the message is left as it is.
   */
  private async editMessage(
    where: { channel: string; ts: string; threadTs?: string | undefined },
    fallback: MessageContent | undefined,
    change: (current: MessageContent) => MessageContent | undefined,
  ): Promise<void> {
    const key = `${where.channel}/${where.ts}`;
    const before = this.#edits.get(key) ?? Promise.resolve();
    const run = before.then(async () => {
      const current = (await this.readMessage(where)) ?? fallback;
      const next = current && change(current);
      if (!next) return;
      await this.deps.web.chat.update({ channel: where.channel, ts: where.ts, text: next.text || 'Escalation', blocks: next.blocks.slice(-50) });
    });
    const settled = run.catch(() => undefined);
    this.#edits.set(key, settled);
    void settled.then(() => {
      if (this.#edits.get(key) === settled) this.#edits.delete(key);
    });
    await run;
  }

  /** The message's current text and blocks, or undefined when Slack does not give it. */
  private async readMessage(where: { channel: string; ts: string; threadTs?: string | undefined }): Promise<MessageContent | undefined> {
    const one = { channel: where.channel, latest: where.ts, oldest: where.ts, inclusive: true, limit: 1 };
    try {
      // A thread reply is not in the channel's history: it is read from its thread.
      const res =
        where.threadTs && where.threadTs !== where.ts
          ? await this.deps.web.conversations.replies({ ...one, ts: where.threadTs })
          : await this.deps.web.conversations.history(one);
      const msg = res.messages?.find((m) => m.ts === where.ts);
      return msg ? { text: msg.text ?? '', blocks: (msg.blocks ?? []) as KnownBlock[] } : undefined;
    } catch (err) {
      this.deps.log.warn({ err, channel: where.channel, ts: where.ts }, 'Slack: the message could not be read before updating it');
      return undefined;
    }
  }

  /** An ephemeral message in `channel` (only `user` sees it), or a DM where that is not possible. */
  private async tell(user: string, channel: string | undefined, text: string): Promise<void> {
    if (channel) {
      try {
        await this.deps.web.chat.postEphemeral({ channel, user, text });
        return;
      } catch (err) {
        this.deps.log.warn({ err, channel }, 'Slack: ephemeral message failed; sending a DM instead');
      }
    }
    await this.deps.web.chat.postMessage({ channel: user, text });
  }

  // ---------------------------------------------------------------- intake: /escalate, shortcuts, modals

  /** POST /slack/commands (form fields of a slash command). */
  async command(cmd: Pick<SlashCommand, 'command' | 'text' | 'user_id' | 'channel_id' | 'trigger_id'>): Promise<SlackAck> {
    const ephemeral = (text: string) => ({ response_type: 'ephemeral', text });
    if (!this.actor(cmd.user_id)) return ephemeral(this.notInDirectory(cmd.user_id));
    const arg = (cmd.text ?? '').trim().split(/\s+/)[0] ?? '';
    const meta: IntakeMetadata = { channel: cmd.channel_id };
    let view: ModalView;
    if (arg === '') view = this.chooserView(meta);
    else if (playbooks[arg]) view = this.intakeView(playbooks[arg], meta);
    else {
      return ephemeral(
        `Usage: ${cmd.command} [playbook]. Playbooks: ${this.startable().map((d) => `\`${d.name}\` (${d.title})`).join(', ')}.`,
      );
    }
    const error = await this.openView(cmd.trigger_id, view);
    return error ? ephemeral(`The form could not be opened: ${escapeMrkdwn(error)}`) : undefined;
  }

  private async messageShortcut(payload: MessageShortcut): Promise<SlackAck> {
    const def = Object.values(playbooks).find((d) => d.slack?.messageShortcut?.callbackId === payload.callback_id);
    if (!def) return undefined;
    const user = payload.user.id;
    if (!this.actor(user)) {
      this.later('ephemeral', () => this.tell(user, payload.channel?.id, this.notInDirectory(user)));
      return undefined;
    }
    const initial = def.slack!.messageShortcut!.prefill({
      text: String(payload.message?.text ?? ''),
      channel: payload.channel?.id ?? '',
      ts: payload.message_ts,
      author: payload.message?.user,
    });
    const error = await this.openView(payload.trigger_id, this.intakeView(def, { channel: payload.channel?.id }, initial));
    if (error) this.later('ephemeral', () => this.tell(user, payload.channel?.id, `The form could not be opened: ${escapeMrkdwn(error)}`));
    return undefined;
  }

  /** views.open within the trigger's lifetime; an error message, or undefined when it opened (or is still opening). */
  private async openView(triggerId: string, view: ModalView): Promise<string | undefined> {
    const opening = this.deps.web.views.open({ trigger_id: triggerId, view }).then(
      () => undefined,
      (err: unknown) => {
        this.deps.log.warn({ err }, 'Slack: views.open failed');
        return err instanceof Error ? err.message : String(err);
      },
    );
    let timer: NodeJS.Timeout | undefined;
    const budget = new Promise<undefined>((resolve) => {
      timer = setTimeout(() => resolve(undefined), VIEWS_OPEN_BUDGET_MS);
    });
    const result = await Promise.race([opening, budget]);
    clearTimeout(timer);
    return result;
  }

  /** Playbooks whose whole input a modal can take. */
  private startable(): Playbook[] {
    return playbookNames.map((n) => playbooks[n]!).filter((d) => intakeFields(d).unsupported.length === 0);
  }

  private chooserView(meta: IntakeMetadata): ModalView {
    return {
      type: 'modal',
      callback_id: CHOOSE_PLAYBOOK,
      title: { type: 'plain_text', text: 'Start an escalation' },
      close: { type: 'plain_text', text: 'Cancel' },
      private_metadata: JSON.stringify(meta),
      blocks: [
        { type: 'section', text: { type: 'mrkdwn', text: 'Which playbook? Its form opens here.' } },
        {
          type: 'actions',
          block_id: CHOOSE_PLAYBOOK,
          elements: [
            {
              type: 'static_select',
              action_id: CHOOSE_PLAYBOOK,
              placeholder: { type: 'plain_text', text: 'Choose a playbook' },
              options: this.startable().map((d) => ({ text: { type: 'plain_text', text: d.title.slice(0, 75) }, value: d.name })),
            },
          ],
        },
      ],
    };
  }

  private intakeView(def: Playbook, meta: IntakeMetadata, initial?: Record<string, unknown>): ModalView {
    const { fields, unsupported } = intakeFields(def);
    const intro = unsupported.length
      ? `*${escapeMrkdwn(def.title)}* needs fields a Slack form cannot take (${unsupported.join(', ')}): start it through the API.`
      : `*${escapeMrkdwn(def.title)}*: ${escapeMrkdwn(def.description)}\nYou are recorded as the reporter.`;
    return formView(
      {
        callbackId: `${INTAKE_PREFIX}${def.name}`,
        title: def.title,
        submit: 'Start escalation',
        intro,
        fields: unsupported.length ? [] : fields,
        initial,
        privateMetadata: JSON.stringify(meta),
      },
      (person) => (this.deps.directory.hasPerson(person) ? this.deps.directory.person(person).slackUserId : undefined),
    );
  }

  private async viewSubmission(payload: ViewSubmitAction): Promise<SlackAck> {
    const view = payload.view;
    if (!view.callback_id.startsWith(INTAKE_PREFIX)) return undefined;
    const def = playbooks[view.callback_id.slice(INTAKE_PREFIX.length)];
    if (!def) return undefined;
    const { fields } = intakeFields(def);
    const errors = (map: Record<string, string>) => ({ response_action: 'errors', errors: map });
    const user = payload.user.id;
    const actor = this.actor(user);
    if (!actor) return errors({ [fields[0]?.pointer ?? 'none']: this.notInDirectory(user) });
    const read = readForm(fields, view.state.values as never, (id) => this.deps.identities.bySlackUser(id));
    if (Object.keys(read.errors).length > 0) return errors(read.errors);
    const receivedAt = new Date().toISOString();
    const settings = (this.deps.playbookSettings ?? defaultPlaybookSettings())[def.name] ?? {};
    let input: unknown;
    try {
      // A refused rule (422, e.g. tech-incident's excluded category) shows on its field like a bad value.
      input = parseInput(def, withReporter(read.value, actor, def), this.deps.directory, settings);
    } catch (err) {
      if (err instanceof HttpProblem && err.errors) return errors(blockErrors(err.errors, fields, '/input'));
      throw err;
    }
    const meta = JSON.parse(view.private_metadata || '{}') as IntakeMetadata;
    const id = defaultId(def, input);
    if (def.join) {
      // Start-or-join (tech-incident): the report joins the escalation its business key names, as
      // POST /escalations does. The view id is the idempotency key: Slack's retry of the same
      // submission is the same update, applied once.
      const requestId = joinRequestId(def, input, `slack-view:${view.id}`);
      this.later('join from Slack', async () => {
        let text: string;
        try {
          const { result } = await this.deps.escalations.join(def, id, input, settings, { receivedAt, requestId });
          text =
            `:rotating_light: ${result.opened ? 'Opened' : 'Added your report to'} escalation \`${escapeMrkdwn(id)}\` ` +
            `(${escapeMrkdwn(def.title)}), status ${escapeMrkdwn(result.status)}.`;
        } catch (err) {
          if (!(err instanceof HttpProblem)) throw err;
          text = `:no_entry: The report was not added: ${escapeMrkdwn(err.detail ?? err.title)}`;
        }
        await this.tell(user, meta.channel, text);
      });
      return { response_action: 'clear' };
    }
    this.later('start from Slack', async () => {
      let text: string;
      try {
        // The reply names the status, so it asks for the state (this runs after Slack has its answer).
        const { created, escalation } = await this.deps.escalations.start(def, id, input, { withState: true });
        const status = escalation?.state?.status ?? escalation?.execution.status.toLowerCase() ?? 'started';
        text = `:rotating_light: ${created ? 'Started' : 'Already running:'} escalation \`${escapeMrkdwn(id)}\` (${escapeMrkdwn(def.title)}), status ${escapeMrkdwn(status)}.`;
      } catch (err) {
        if (!(err instanceof HttpProblem)) throw err;
        text = `:no_entry: The escalation was not started: ${escapeMrkdwn(err.detail ?? err.title)}`;
      }
      await this.tell(user, meta.channel, text);
    });
    return { response_action: 'clear' };
  }
}

interface MessageContent {
  text: string;
  blocks: KnownBlock[];
}

/** Trigger ids of recent presses (a retried press repeats its trigger id); oldest forgotten first. */
const PRESSES_REMEMBERED = 1_000;

function isEngineButton(e: { type: string; action_id?: string }): e is { type: 'button'; action_id: string; value?: string } {
  return e.type === 'button' && (e.action_id ?? '').startsWith(BUTTON_ACTION_PREFIX);
}

/** Whether the blocks still offer the engine button for `event`. */
function offers(blocks: KnownBlock[], event: string): boolean {
  return blocks.some(
    (b) => b.type === 'actions' && (b as ActionsBlock).elements.some((e) => isEngineButton(e) && parseButtonValue(e.value ?? '')?.type === event),
  );
}

/** The message with the buttons for `removeEvent` (or all) taken out and a context line added; nothing else changes. */
function withoutButtons(current: MessageContent, opts: { removeEvent: string; removeAll: boolean; note?: string | undefined }): MessageContent {
  const next: KnownBlock[] = [];
  for (const block of current.blocks) {
    if (block.type !== 'actions') {
      next.push(block);
      continue;
    }
    const elements = (block as ActionsBlock).elements.filter(
      (e) => !isEngineButton(e) || (!opts.removeAll && parseButtonValue(e.value ?? '')?.type !== opts.removeEvent),
    );
    if (elements.length > 0) next.push({ ...(block as ActionsBlock), elements });
  }
  if (opts.note) next.push({ type: 'context', elements: [{ type: 'mrkdwn', text: opts.note }] } satisfies ContextBlock);
  return { text: current.text, blocks: next };
}

/** `<!date^…>`: Slack shows the instant in each reader's own time zone; the fallback is UTC. */
export function slackDate(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `<!date^${seconds}^{date_short_pretty} {time}|${new Date(seconds * 1000).toISOString().replace('.000Z', 'Z')}>`;
}
