// A local Slack Web API: a real HTTP server that @slack/web-api's WebClient talks to unmodified
// (point `slackApiUrl` at `url`). Speaks Slack's wire format: POST /api/<method> with form or JSON
// arguments, Bearer token, HTTP 200 with {ok:false,error} for API errors, 429 + Retry-After.
import type { IncomingMessage } from 'node:http';
import { bearerToken, FailureQueue, readBody, sendJson, startServer } from './http.js';
import { Outbox } from './outbox.js';
import { createSlackMethods, type SlackMethod, type SlackResult } from './slack-methods.js';
import { collectMentions } from './slack-format.js';
import { Params } from './slack-params.js';
import { SlackInteractions, type AppResponse, type FieldInput, type OpenView, type SlackAppEndpoint } from './slack-interactions.js';
import { callRefs, SlackWorkspaceStore } from './slack-store.js';
import type { StandInStore } from './store.js';
import {
  BOT,
  SlackApiError,
  TEAM,
  TsClock,
  Workspace,
  type ChannelState,
  type MessageState,
  type SlackChannel,
  type SlackChannelInput,
  type SlackMessage,
  type SlackUserGroupInput,
  type SlackUserInput,
} from './slack-workspace.js';

export type { SlackChannel, SlackChannelInput, SlackMessage, SlackUserGroupInput, SlackUserInput } from './slack-workspace.js';
export type { AppResponse, FieldInput, OpenView, SlackAppEndpoint } from './slack-interactions.js';
export { signSlackRequest } from './slack-interactions.js';

/**
 * What the next matching call(s) should do instead of succeeding:
 * - `{ status: 429, retryAfter }`: HTTP 429 with `Retry-After` (WebClient: WebAPIRateLimitedError);
 * - `{ status }`: that HTTP status, e.g. 500 or 503 (WebClient: WebAPIHTTPError);
 * - `{ error }`: HTTP 200 `{ ok: false, error }` (WebClient: WebAPIPlatformError);
 * - `{ acceptThenHang: ms }`: the call is performed and recorded, but the answer comes `ms` late, so
 *   a caller with a shorter timeout sees a failure for a message that was in fact posted.
 */
export type SlackFailure =
  | { status: 429; retryAfter: number }
  | { status: number }
  | { error: string }
  | { acceptThenHang: number };

export interface SlackStandInOptions {
  host?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** The only bot token accepted. */
  token: string;
  outbox?: Outbox;
  channels?: SlackChannelInput[];
  users?: SlackUserInput[];
  userGroups?: SlackUserGroupInput[];
  /**
   * Keeps channels, messages (threads, ts, metadata) and users across restarts; default: in memory
   * only. Configured channels that the store already has are kept as stored.
   */
  store?: StandInStore;
}

/** One call the stand-in answered, for tests that count attempts or inspect the raw arguments. */
export interface SlackCall {
  method: string;
  at: string;
  /** HTTP status sent (or to be sent, for a hanging call). */
  status: number;
  ok: boolean;
  error?: string;
  /** Arguments as received (form values are strings), without the token. */
  args: Record<string, unknown>;
}

export interface SlackStandIn {
  /** For `new WebClient(token, { slackApiUrl: url })`; ends with `/api/`. */
  readonly url: string;
  readonly outbox: Outbox;
  /** The bot's identity, as auth.test reports it. */
  readonly botUserId: string;
  readonly teamId: string;
  failNext(method: string | '*', failure: SlackFailure, times?: number): void;
  /** Back to the configured channels and users, no messages, no queued failures, empty call log (the outbox is left alone; the store is emptied). */
  reset(): void;
  calls(method?: string): SlackCall[];
  /** Messages in posting order, across channels or in one (id, name or #name). */
  messages(channel?: string): SlackMessage[];
  channels(): SlackChannel[];
  addChannel(channel: SlackChannelInput): SlackChannel;
  archiveChannel(channel: string): void;
  addUser(user: SlackUserInput): void;
  /** The workspace's users (the bot included). */
  users(): SlackUserInput[];
  close(): Promise<void>;

  // ---- acting as a person: signed requests to the app (connectApp first)
  /** The app's interactivity and command URLs and its signing secret. */
  connectApp(app: SlackAppEndpoint): void;
  /** Presses the button `actionId` of the message `ts` (in `channel`, or wherever it is) as `user`. */
  press(opts: { user: string; ts: string; actionId: string; channel?: string }, sign?: SignOverride): Promise<AppResponse>;
  /** Runs a slash command as `user` in `channel` (id, name or #name). */
  command(opts: { user: string; channel: string; command: string; text?: string }, sign?: SignOverride): Promise<AppResponse>;
  /** Uses the message shortcut `callbackId` on message `ts` as `user`. */
  shortcut(opts: { user: string; ts: string; callbackId: string; channel?: string }): Promise<AppResponse>;
  /** Modals open now (views.open), of one user or all. */
  openViews(user?: string): OpenView[];
  selectInView(opts: { user: string; viewId: string; actionId: string; value: string }): Promise<AppResponse>;
  /** Submits an open modal with values by block_id; answers with the app's field errors, if any. */
  submitView(opts: { user: string; viewId: string; values: Record<string, FieldInput> }): Promise<AppResponse & { errors?: Record<string, string> }>;
  closeView(viewId: string): void;
  /** Ephemeral messages (chat.postEphemeral, response_url), of one user or all, oldest first. */
  ephemerals(user?: string): SlackMessage[];
  /** A form body signed as Slack would (or forged, with `sign`), sent to `url`. */
  sendSigned(url: string, body: string, sign?: SignOverride): Promise<AppResponse>;
  /** Sends a request again exactly as it was (a replay). */
  replay(request: AppResponse['request']): Promise<AppResponse>;
}

/** To forge a request in tests: another timestamp (an expired one) or another secret. */
export interface SignOverride {
  timestamp?: number;
  secret?: string;
}

const MAX_BODY = 20 * 1024 * 1024;
const NO_AUTH_METHODS = new Set(['api.test']);
// WebClient copies these into response_metadata.scopes; a bot token for this app would carry them.
const SCOPES = [
  'chat:write', 'chat:write.public', 'channels:read', 'channels:history', 'channels:manage', 'channels:join',
  'groups:read', 'groups:history', 'groups:write', 'im:read', 'im:write', 'im:history', 'mpim:write',
  'users:read', 'users:read.email', 'usergroups:read',
].join(',');

export async function startSlackStandIn(options: SlackStandInOptions): Promise<SlackStandIn> {
  const outbox = options.outbox ?? new Outbox();
  const clock = new TsClock();
  const persisted = options.store ? new SlackWorkspaceStore(options.store) : undefined;
  /** A workspace from the store (if any), then the configured channels it does not have yet. */
  const openWorkspace = () => {
    const ws = new Workspace({ ...options, channels: [] }, clock);
    persisted?.restore(ws, clock);
    for (const channel of options.channels ?? []) {
      if ((channel.id && ws.channels.has(channel.id)) || ws.findByName(channel.name)) continue;
      ws.addChannel(channel);
    }
    persisted?.flush(ws);
    return ws;
  };
  let ws = openWorkspace();
  let origin = '';
  const recordOutbox = (method: 'chat.update' | 'chat.postEphemeral', channel: ChannelState, msg: MessageState, visibleTo?: string) =>
    outbox.append({
      kind: 'slack',
      method,
      ...(msg.escalationId === undefined ? {} : { escalationId: msg.escalationId }),
      channel: { id: channel.id, name: ws.displayName(channel) },
      ts: msg.ts,
      ...(msg.threadTs === undefined ? {} : { thread_ts: msg.threadTs }),
      text: msg.text,
      ...(msg.blocks === undefined ? {} : { blocks: msg.blocks }),
      mentions: collectMentions(msg, ws),
      ...(visibleTo === undefined ? {} : { visibleTo }),
    });
  const interactions = new SlackInteractions(
    () => ws,
    () => origin,
    (channel, msg, content) => {
      if (content.text !== undefined) msg.text = content.text;
      if (content.blocks !== undefined) msg.blocks = content.blocks;
      msg.edited = { user: BOT.userId, ts: ws.nextTs() };
      persisted?.sync(ws, { channel: channel.id, ts: [msg.ts] });
      recordOutbox('chat.update', channel, msg);
    },
    (channel, user, content) => {
      const msg: MessageState = { ts: ws.nextTs(), channel: channel.id, user: BOT.userId, text: content.text ?? '', ...(content.blocks ? { blocks: content.blocks } : {}), replies: [] };
      ws.ephemerals.push({ channel: channel.id, user, message: msg });
      recordOutbox('chat.postEphemeral', channel, msg, user);
    },
  );
  let methods = createSlackMethods(ws, outbox, interactions);
  const failures = new FailureQueue<SlackFailure>();
  let callLog: SlackCall[] = [];

  const server = await startServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const response = /^\/response\/([^/]+)\/([^/]+)\/([^/]+)$/.exec(url.pathname);
    if (response && req.method === 'POST') {
      // response_url of an interaction: replace the original message, or answer ephemerally.
      const { body } = await readBody(req, MAX_BODY);
      try {
        const channel = channelRef(decodeURIComponent(response[1]!));
        const msg = ws.findMessage(channel, decodeURIComponent(response[2]!));
        interactions.respond(channel, msg, decodeURIComponent(response[3]!), JSON.parse(body.toString('utf8')) as Record<string, unknown>);
        res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      } catch (err) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(err instanceof Error ? err.message : 'bad request');
      }
      return;
    }
    const match = /^\/api\/([^/]+)$/.exec(url.pathname);
    if (!match) {
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('Not Found');
      return;
    }
    const method = decodeURIComponent(match[1]!);
    const log = (status: number, result: SlackResult, args: Record<string, unknown>) => {
      const { token: _token, ...rest } = args;
      const error = typeof result.error === 'string' ? result.error : undefined;
      callLog.push({ method, at: new Date().toISOString(), status, ok: result.ok === true, ...(error ? { error } : {}), args: rest });
    };

    const { body, tooLarge } = await readBody(req, MAX_BODY);
    const parsed = tooLarge ? { error: 'request_too_large' } : await parseArgs(req, body, url);
    const args = 'args' in parsed ? parsed.args : {};

    const failure = failures.take(method);
    if (failure && 'status' in failure) {
      const headers: Record<string, string> = {};
      if ('retryAfter' in failure) headers['retry-after'] = String(failure.retryAfter);
      const result = { ok: false, error: failure.status === 429 ? 'ratelimited' : 'internal_error' };
      log(failure.status, result, args);
      sendJson(res, failure.status, result, headers);
      return;
    }

    let result: SlackResult;
    if ('error' in parsed) result = { ok: false, error: parsed.error };
    else if (failure && 'error' in failure) result = { ok: false, error: failure.error };
    else result = call(methods[method], method, parsed, req);
    // Written before the answer: a caller that saw `ok` finds the message after a restart.
    persisted?.sync(ws, callRefs(args, result));
    log(200, result, args);
    if (failure && 'acceptThenHang' in failure) await server.delay(failure.acceptThenHang);
    sendJson(res, 200, result, { 'x-oauth-scopes': SCOPES, 'x-accepted-oauth-scopes': '' });
  }, options.host, options.port);

  function call(handler: SlackMethod | undefined, method: string, parsed: ParsedArgs, req: IncomingMessage): SlackResult {
    if (!handler) return { ok: false, error: 'unknown_method', req_method: method };
    if (!NO_AUTH_METHODS.has(method)) {
      // Slack takes the token from the Authorization header, or from a form field (not from a JSON body).
      const token = bearerToken(req) ?? (parsed.json ? undefined : new Params(parsed.args).str('token'));
      if (!token) return { ok: false, error: 'not_authed' };
      if (token !== options.token) return { ok: false, error: 'invalid_auth' };
    }
    try {
      return handler(new Params(parsed.args));
    } catch (err) {
      if (!(err instanceof SlackApiError)) throw err;
      return {
        ok: false,
        error: err.code,
        ...(err.messages ? { response_metadata: { messages: err.messages } } : {}),
      };
    }
  }

  origin = server.origin;

  function channelRef(ref: string): ChannelState {
    const channel = ws.channels.get(ref) ?? ws.findByName(ref.replace(/^#/, ''));
    if (!channel) throw new Error(`Slack stand-in has no channel ${ref}`);
    return channel;
  }

  /** The message with timestamp `ts`, in `channel` or in any channel. */
  const messageAt = (ts: string, channel?: string): { channel: ChannelState; message: MessageState } => {
    const channels = channel === undefined ? [...ws.channels.values()] : [channelRef(channel)];
    for (const c of channels) {
      const message = ws.findMessage(c, ts);
      if (message) return { channel: c, message };
    }
    throw new Error(`Slack stand-in has no message ${ts}`);
  };

  return {
    url: `${server.origin}/api/`,
    outbox,
    botUserId: BOT.userId,
    teamId: TEAM.id,
    failNext(method, failure, times = 1) {
      failures.add(method, failure, times);
    },
    reset() {
      persisted?.clear();
      ws = openWorkspace();
      methods = createSlackMethods(ws, outbox, interactions);
      failures.clear();
      callLog = [];
      interactions.reset();
    },
    calls(method) {
      return callLog.filter((c) => method === undefined || c.method === method);
    },
    messages(channel) {
      const channels = channel === undefined ? [...ws.channels.values()] : [channelRef(channel)];
      return channels
        .flatMap((c) => c.messages.map((m) => ws.snapshotMessage(c, m)))
        .sort((a, b) => (a.ts < b.ts ? -1 : a.ts > b.ts ? 1 : 0));
    },
    channels() {
      return [...ws.channels.values()].map((c) => ws.snapshotChannel(c));
    },
    addChannel(channel) {
      const added = ws.addChannel(channel);
      persisted?.sync(ws);
      return ws.snapshotChannel(added);
    },
    archiveChannel(ref) {
      channelRef(ref).isArchived = true;
      persisted?.sync(ws);
    },
    addUser(user) {
      ws.users.set(user.id, { ...user });
      persisted?.sync(ws);
    },
    close: async () => {
      await server.close();
      persisted?.flush(ws);
    },
    users() {
      return [...ws.users.values()].map((u) => ({ ...u }));
    },
    connectApp(app) {
      interactions.app = app;
    },
    press(opts, sign) {
      const { channel, message } = messageAt(opts.ts, opts.channel);
      return interactions.pressButton({ user: opts.user, channel, message, actionId: opts.actionId }, sign);
    },
    command(opts, sign) {
      return interactions.runCommand({ user: opts.user, channel: channelRef(opts.channel), command: opts.command, text: opts.text ?? '' }, sign);
    },
    shortcut(opts) {
      const { channel, message } = messageAt(opts.ts, opts.channel);
      return interactions.messageShortcut({ user: opts.user, channel, message, callbackId: opts.callbackId });
    },
    openViews(user) {
      return [...interactions.views.values()].filter((v) => user === undefined || v.user === user);
    },
    selectInView: (opts) => interactions.selectInView(opts),
    submitView: (opts) => interactions.submitView(opts),
    closeView: (viewId) => interactions.closeView(viewId),
    ephemerals(user) {
      return ws.ephemerals
        .filter((e) => user === undefined || e.user === user)
        .map((e) => ws.snapshotMessage(ws.channels.get(e.channel)!, e.message));
    },
    sendSigned: (url, body, sign) => interactions.send(url, body, sign),
    replay: (request) => interactions.deliver(request),
  };
}

interface ParsedArgs {
  args: Record<string, unknown>;
  /** Arguments came as a JSON body. */
  json: boolean;
}

async function parseArgs(req: IncomingMessage, body: Buffer, url: URL): Promise<ParsedArgs | { error: string }> {
  const query = Object.fromEntries(url.searchParams);
  const type = String(req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (body.length === 0) return { args: query, json: false };
  if (type === 'application/json') {
    try {
      const value: unknown = JSON.parse(body.toString('utf8'));
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return { error: 'invalid_json' };
      return { args: { ...query, ...(value as Record<string, unknown>) }, json: true };
    } catch {
      return { error: 'invalid_json' };
    }
  }
  if (type === 'application/x-www-form-urlencoded') {
    return { args: { ...query, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) }, json: false };
  }
  if (type === 'multipart/form-data') {
    // What WebClient sends when an argument is binary (file uploads); files are kept by name only.
    try {
      const form = await new Request('http://stand-in/', {
        method: 'POST',
        headers: { 'content-type': String(req.headers['content-type']) },
        body,
      }).formData();
      const args: Record<string, unknown> = { ...query };
      for (const [key, value] of form) args[key] = typeof value === 'string' ? value : `[file ${value.name}]`;
      return { args, json: false };
    } catch {
      return { error: 'invalid_form_data' };
    }
  }
  return { error: 'invalid_form_data' };
}
