// The Slack stand-in as a person in the workspace: press a message's button, run a slash command,
// use a message shortcut, pick in a modal and submit it, as a given user. Each sends what Slack
// sends (form-encoded `payload=<json>` or command fields) to the app's interactivity or command
// URL, signed with the app's signing secret (`v0=` HMAC-SHA256 of `v0:<ts>:<body>`), and applies
// what the app answers (modal errors, clear, update). Modals the app opens (views.open/update)
// live here until submitted or closed.
import { createHmac, randomBytes } from 'node:crypto';
import { SlackApiError, TEAM, BOT, type ChannelState, type MessageState, type Workspace } from './slack-workspace.js';

/** Where the app under test takes Slack's requests, and the secret it verifies them with. */
export interface SlackAppEndpoint {
  /** e.g. http://127.0.0.1:3000/slack/interactions */
  interactivityUrl: string;
  /** e.g. http://127.0.0.1:3000/slack/commands */
  commandsUrl: string;
  signingSecret: string;
}

/** What the app answered, and the exact request (to replay or tamper with in tests). */
export interface AppResponse {
  status: number;
  body: unknown;
  request: { url: string; headers: Record<string, string>; body: string };
}

/** A modal open in the stand-in. */
export interface OpenView {
  id: string;
  user: string;
  hash: string;
  view: Record<string, unknown>;
  /** Errors the app put on its blocks (`response_action: errors`), by block_id. */
  errors: Record<string, string>;
  openedAt: string;
}

/** A field's value as a person enters it: text, a number, an ISO date-time, option value(s), a user id, a checkbox. */
export type FieldInput = string | number | boolean | string[] | null;

interface Trigger {
  user: string;
  issuedMs: number;
}

/** Slack lets a trigger_id open a modal for 3 seconds, once. */
const TRIGGER_TTL_MS = 3_000;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

export function signSlackRequest(secret: string, timestamp: number, body: string): string {
  return `v0=${createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
}

export class SlackInteractions {
  app: SlackAppEndpoint | undefined;
  readonly views = new Map<string, OpenView>();
  readonly #triggers = new Map<string, Trigger>();
  #seq = 0;

  constructor(
    private readonly ws: () => Workspace,
    /** This stand-in's origin, for response_url. */
    private readonly origin: () => string,
    /** Applies a message edit as chat.update does (used by response_url). */
    private readonly edit: (channel: ChannelState, msg: MessageState, content: { text?: string; blocks?: unknown[] }) => void,
    private readonly ephemeral: (channel: ChannelState, user: string, content: { text?: string; blocks?: unknown[] }) => void,
  ) {}

  reset(): void {
    this.views.clear();
    this.#triggers.clear();
  }

  // ---------------------------------------------------------------- Web API side (views.open / views.update)

  private newId(prefix: string): string {
    this.#seq += 1;
    return `${prefix}${String(this.#seq).padStart(9, '0')}`;
  }

  private trigger(user: string): string {
    const id = `${Date.now()}.${this.#seq++}.${randomBytes(8).toString('hex')}`;
    this.#triggers.set(id, { user, issuedMs: Date.now() });
    return id;
  }

  /** views.open: a fresh, unused trigger_id; the modal opens for the trigger's user. */
  open(triggerId: string | undefined, view: unknown): OpenView {
    const trigger = triggerId ? this.#triggers.get(triggerId) : undefined;
    if (!trigger) throw new SlackApiError('invalid_trigger_id');
    this.#triggers.delete(triggerId!);
    if (Date.now() - trigger.issuedMs > TRIGGER_TTL_MS) throw new SlackApiError('expired_trigger_id');
    const checked = checkView(view);
    const open: OpenView = { id: this.newId('V'), user: trigger.user, hash: this.hash(), view: checked, errors: {}, openedAt: new Date().toISOString() };
    this.views.set(open.id, open);
    return open;
  }

  /** views.update: by view_id (or external_id); a stale `hash` is a conflict, as in Slack. */
  update(viewId: string | undefined, externalId: string | undefined, hash: string | undefined, view: unknown): OpenView {
    const open = viewId
      ? this.views.get(viewId)
      : [...this.views.values()].find((v) => externalId !== undefined && v.view.external_id === externalId);
    if (!open) throw new SlackApiError('not_found');
    if (hash && hash !== open.hash) throw new SlackApiError('hash_conflict');
    open.view = checkView(view);
    open.hash = this.hash();
    open.errors = {};
    return open;
  }

  private hash(): string {
    return `${Math.floor(Date.now() / 1000)}.${randomBytes(6).toString('hex')}`;
  }

  /** The view object Slack returns and sends in payloads. */
  viewObject(open: OpenView, values?: Obj): Obj {
    return {
      id: open.id,
      team_id: TEAM.id,
      type: 'modal',
      blocks: open.view.blocks ?? [],
      private_metadata: open.view.private_metadata ?? '',
      callback_id: open.view.callback_id ?? '',
      state: { values: values ?? {} },
      hash: open.hash,
      title: open.view.title,
      clear_on_close: false,
      notify_on_close: false,
      close: open.view.close ?? null,
      submit: open.view.submit ?? null,
      previous_view_id: null,
      root_view_id: open.id,
      app_id: BOT.appId,
      external_id: open.view.external_id ?? '',
      app_installed_team_id: TEAM.id,
      bot_id: BOT.botId,
    };
  }

  // ---------------------------------------------------------------- the person's side

  private requireApp(): SlackAppEndpoint {
    if (!this.app) throw new Error('Slack stand-in: no app connected (connectApp with its interactivity URL and signing secret)');
    return this.app;
  }

  private user(id: string): Obj {
    const user = this.ws().users.get(id);
    if (!user) throw new Error(`Slack stand-in has no user ${id}`);
    return { id, username: user.name, name: user.name, team_id: TEAM.id };
  }

  /** Sends a signed form body to the app; `timestamp` and `secret` can be overridden to forge one. */
  async send(url: string, body: string, opts: { timestamp?: number; secret?: string } = {}): Promise<AppResponse> {
    const app = this.requireApp();
    const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
    const headers = {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(timestamp),
      'x-slack-signature': signSlackRequest(opts.secret ?? app.signingSecret, timestamp, body),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    };
    return this.deliver({ url, headers, body });
  }

  /** Sends a request exactly as given (a replay). */
  async deliver(request: AppResponse['request']): Promise<AppResponse> {
    const res = await fetch(request.url, { method: 'POST', headers: request.headers, body: request.body });
    const text = await res.text();
    let body: unknown = text;
    if (text && (res.headers.get('content-type') ?? '').includes('json')) body = JSON.parse(text) as unknown;
    return { status: res.status, body, request };
  }

  private async sendPayload(payload: Obj, opts?: { timestamp?: number; secret?: string }): Promise<AppResponse> {
    const body = new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
    return this.send(this.requireApp().interactivityUrl, body, opts);
  }

  /** A button of a message, by action_id; throws if the message has no such button (any more). */
  findButton(channel: ChannelState, msg: MessageState, actionId: string): { block: Obj; button: Obj } {
    for (const block of msg.blocks ?? []) {
      if (!isObj(block) || block.type !== 'actions' || !Array.isArray(block.elements)) continue;
      const button = block.elements.find((e) => isObj(e) && e.type === 'button' && e.action_id === actionId);
      if (isObj(button)) return { block, button };
    }
    throw new Error(`message ${msg.ts} in ${channel.id} has no button ${actionId}`);
  }

  /** Presses a message's button as `user`: a block_actions payload, as Slack sends it. */
  async pressButton(
    opts: { user: string; channel: ChannelState; message: MessageState; actionId: string },
    sign?: { timestamp?: number; secret?: string },
  ): Promise<AppResponse> {
    const { channel, message } = opts;
    const { block, button } = this.findButton(channel, message, opts.actionId);
    const ws = this.ws();
    return this.sendPayload(
      {
        type: 'block_actions',
        user: this.user(opts.user),
        api_app_id: BOT.appId,
        token: 'stand-in-verification-token',
        container: { type: 'message', message_ts: message.ts, channel_id: channel.id, is_ephemeral: false, ...(message.threadTs && { thread_ts: message.threadTs }) },
        trigger_id: this.trigger(opts.user),
        team: { id: TEAM.id, domain: TEAM.domain },
        enterprise: null,
        is_enterprise_install: false,
        channel: { id: channel.id, name: channel.isIm ? 'directmessage' : channel.name },
        message: ws.messageObject(channel, message, { metadata: false }),
        state: { values: {} },
        response_url: `${this.origin()}/response/${channel.id}/${message.ts}/${opts.user}`,
        actions: [
          {
            action_id: button.action_id,
            block_id: block.block_id,
            text: button.text,
            value: button.value,
            ...(button.style ? { style: button.style } : {}),
            type: 'button',
            action_ts: `${(Date.now() / 1000).toFixed(6)}`,
          },
        ],
      },
      sign,
    );
  }

  /** A slash command as `user` in `channel` (e.g. `/escalate live-delivery`). */
  async runCommand(opts: { user: string; channel: ChannelState; command: string; text?: string }, sign?: { timestamp?: number; secret?: string }): Promise<AppResponse> {
    const user = this.user(opts.user);
    const body = new URLSearchParams({
      token: 'stand-in-verification-token',
      team_id: TEAM.id,
      team_domain: TEAM.domain,
      channel_id: opts.channel.id,
      channel_name: opts.channel.isIm ? 'directmessage' : opts.channel.name,
      user_id: opts.user,
      user_name: String(user.username),
      command: opts.command,
      text: opts.text ?? '',
      api_app_id: BOT.appId,
      is_enterprise_install: 'false',
      response_url: `${this.origin()}/response/${opts.channel.id}/command/${opts.user}`,
      trigger_id: this.trigger(opts.user),
    }).toString();
    return this.send(this.requireApp().commandsUrl, body, sign);
  }

  /** A message shortcut (`callback_id` from the app's configuration) on a message, as `user`. */
  async messageShortcut(opts: { user: string; channel: ChannelState; message: MessageState; callbackId: string }): Promise<AppResponse> {
    const ws = this.ws();
    return this.sendPayload({
      type: 'message_action',
      token: 'stand-in-verification-token',
      action_ts: `${(Date.now() / 1000).toFixed(6)}`,
      team: { id: TEAM.id, domain: TEAM.domain },
      user: this.user(opts.user),
      channel: { id: opts.channel.id, name: opts.channel.isIm ? 'directmessage' : opts.channel.name },
      is_enterprise_install: false,
      enterprise: null,
      callback_id: opts.callbackId,
      trigger_id: this.trigger(opts.user),
      response_url: `${this.origin()}/response/${opts.channel.id}/${opts.message.ts}/${opts.user}`,
      message_ts: opts.message.ts,
      message: ws.messageObject(opts.channel, opts.message, { metadata: false }),
    });
  }

  private openView(viewId: string, user: string): OpenView {
    const open = this.views.get(viewId);
    if (!open) throw new Error(`Slack stand-in has no open view ${viewId}`);
    if (open.user !== user) throw new Error(`view ${viewId} is open for ${open.user}, not ${user}`);
    return open;
  }

  /** Picks an option in a modal's `actions` block (dispatching a block_actions payload from the view). */
  async selectInView(opts: { user: string; viewId: string; actionId: string; value: string }): Promise<AppResponse> {
    const open = this.openView(opts.viewId, opts.user);
    for (const block of (open.view.blocks as unknown[]) ?? []) {
      if (!isObj(block) || block.type !== 'actions' || !Array.isArray(block.elements)) continue;
      const element = block.elements.find((e) => isObj(e) && e.action_id === opts.actionId);
      if (!isObj(element)) continue;
      const option = (element.options as Obj[] | undefined)?.find((o) => o.value === opts.value);
      if (!option) throw new Error(`no option ${opts.value} in ${opts.actionId}`);
      return this.sendPayload({
        type: 'block_actions',
        user: this.user(opts.user),
        api_app_id: BOT.appId,
        token: 'stand-in-verification-token',
        container: { type: 'view', view_id: open.id },
        trigger_id: this.trigger(opts.user),
        team: { id: TEAM.id, domain: TEAM.domain },
        enterprise: null,
        is_enterprise_install: false,
        view: this.viewObject(open),
        actions: [
          { type: element.type, action_id: element.action_id, block_id: block.block_id, selected_option: option, action_ts: `${(Date.now() / 1000).toFixed(6)}` },
        ],
      });
    }
    throw new Error(`view ${opts.viewId} has no action ${opts.actionId}`);
  }

  /**
   * Submits a modal as `user` with `values` by block_id (fields not given keep their initial
   * values, as in Slack). Applies the answer: errors stay on the open view, `clear` closes it,
   * `update` replaces it, an empty answer closes it.
   */
  async submitView(opts: { user: string; viewId: string; values: Record<string, FieldInput> }): Promise<AppResponse & { errors?: Record<string, string> }> {
    const open = this.openView(opts.viewId, opts.user);
    const values = stateValues((open.view.blocks as unknown[]) ?? [], opts.values);
    const res = await this.sendPayload({
      type: 'view_submission',
      team: { id: TEAM.id, domain: TEAM.domain },
      user: this.user(opts.user),
      api_app_id: BOT.appId,
      token: 'stand-in-verification-token',
      trigger_id: this.trigger(opts.user),
      view: this.viewObject(open, values),
      response_urls: [],
      is_enterprise_install: false,
      enterprise: null,
    });
    const answer = isObj(res.body) ? res.body : {};
    if (res.status !== 200) return res;
    switch (answer.response_action) {
      case 'errors':
        open.errors = isObj(answer.errors) ? (answer.errors as Record<string, string>) : {};
        return { ...res, errors: open.errors };
      case 'update':
        open.view = checkView(answer.view);
        open.hash = this.hash();
        open.errors = {};
        return res;
      default:
        this.views.delete(open.id);
        return res;
    }
  }

  /** Closes a modal as its user would (Cancel). */
  closeView(viewId: string): void {
    this.views.delete(viewId);
  }

  /** response_url: the app may replace the original message or answer ephemerally. */
  respond(channel: ChannelState, msg: MessageState | undefined, user: string, body: Obj): void {
    const content = {
      ...(typeof body.text === 'string' && { text: body.text }),
      ...(Array.isArray(body.blocks) && { blocks: body.blocks }),
    };
    if (body.replace_original === true || body.replace_original === 'true') {
      if (!msg) throw new SlackApiError('message_not_found');
      this.edit(channel, msg, content);
    } else {
      this.ephemeral(channel, user, content);
    }
  }
}

/** What views.open/update accept: a modal with a title (24), at most 100 blocks, a callback id. */
function checkView(view: unknown): Obj {
  if (!isObj(view) || view.type !== 'modal') throw new SlackApiError('invalid_arguments', ['[ERROR] must be a modal view [json-pointer:/view/type]']);
  const title = isObj(view.title) ? view.title.text : undefined;
  if (typeof title !== 'string' || title.length === 0 || title.length > 24) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] must be 1 to 24 characters [json-pointer:/view/title/text]']);
  }
  if (!Array.isArray(view.blocks) || view.blocks.length > 100) {
    throw new SlackApiError('invalid_arguments', ['[ERROR] must provide at most 100 blocks [json-pointer:/view/blocks]']);
  }
  const ids = new Set<string>();
  for (const [i, block] of view.blocks.entries()) {
    if (!isObj(block)) throw new SlackApiError('invalid_arguments', [`[ERROR] must provide an object [json-pointer:/view/blocks/${i}]`]);
    if (typeof block.block_id === 'string') {
      if (ids.has(block.block_id)) throw new SlackApiError('invalid_arguments', [`[ERROR] duplicate block_id [json-pointer:/view/blocks/${i}/block_id]`]);
      ids.add(block.block_id);
    }
    if (block.type === 'input') {
      const label = isObj(block.label) ? block.label.text : undefined;
      if (typeof label !== 'string' || label.length === 0 || label.length > 2000 || !isObj(block.element)) {
        throw new SlackApiError('invalid_arguments', [`[ERROR] an input block needs a label (1-2000) and an element [json-pointer:/view/blocks/${i}]`]);
      }
    }
  }
  return structuredClone(view);
}

/** Element state for a view's input blocks, as Slack sends it: the given value, else the initial one. */
export function stateValues(blocks: unknown[], given: Record<string, FieldInput>): Record<string, Record<string, Obj>> {
  const out: Record<string, Record<string, Obj>> = {};
  for (const block of blocks) {
    if (!isObj(block) || block.type !== 'input' || !isObj(block.element) || typeof block.block_id !== 'string') continue;
    const el = block.element;
    const actionId = String(el.action_id ?? 'value');
    const has = Object.hasOwn(given, block.block_id);
    const v = given[block.block_id];
    const options = (el.options as Obj[] | undefined) ?? [];
    const pick = (value: string) => {
      const o = options.find((x) => x.value === value);
      if (!o) throw new Error(`block ${block.block_id} has no option ${value}`);
      return o;
    };
    let state: Obj;
    switch (el.type) {
      case 'plain_text_input':
      case 'email_text_input':
      case 'url_text_input':
      case 'number_input':
        state = { value: has ? (v === null || v === '' ? null : String(v)) : ((el.initial_value as string | undefined) ?? null) };
        break;
      case 'datetimepicker':
        state = {
          selected_date_time: has
            ? v === null ? null : typeof v === 'number' ? v : Math.floor(Date.parse(String(v)) / 1000)
            : ((el.initial_date_time as number | undefined) ?? null),
        };
        break;
      case 'datepicker':
        state = { selected_date: has ? (v === null ? null : String(v)) : ((el.initial_date as string | undefined) ?? null) };
        break;
      case 'static_select':
        state = { selected_option: has ? (v === null || v === '' ? null : pick(String(v))) : ((el.initial_option as Obj | undefined) ?? null) };
        break;
      case 'multi_static_select':
      case 'checkboxes': {
        let chosen: Obj[];
        if (!has) chosen = (el.initial_options as Obj[] | undefined) ?? [];
        else if (typeof v === 'boolean') chosen = v ? options.slice(0, 1) : [];
        else chosen = (Array.isArray(v) ? v : v === null || v === '' ? [] : [String(v)]).map(pick);
        state = { selected_options: chosen };
        break;
      }
      case 'users_select':
        state = { selected_user: has ? (v === null || v === '' ? null : String(v)) : ((el.initial_user as string | undefined) ?? null) };
        break;
      default:
        state = {};
    }
    out[block.block_id] = { [actionId]: { type: el.type, ...state } };
  }
  return out;
}
