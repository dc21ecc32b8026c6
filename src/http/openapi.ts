// The OpenAPI 3.1 document, generated from the route schemas, that matches what is served:
// - every error response is `application/problem+json` with the Problem schema, and every status a
//   route can answer is listed (the common ones are added here from the route's shape);
// - `POST /escalations` publishes each playbook's input: a `oneOf` of one `Start<Playbook>` schema
//   per playbook, discriminated by `playbook`; `POST /escalations/{id}/events` publishes every
//   event schema, discriminated by `type`. Why one operation with a discriminated `oneOf` rather
//   than one route per playbook: the id, idempotency, Location and list/read/event routes are the
//   same for every playbook, so generated clients keep one `startEscalation` call whose body type
//   is a tagged union (TypeScript, Kotlin, Python and Go generators all map `discriminator`
//   to one), and adding a playbook adds a variant instead of an operation. The route validates
//   with the same schemas, per playbook, so the errors name the playbook's own fields.
import type { FastifyInstance, RouteOptions } from 'fastify';
import type { FastifyDynamicSwaggerOptions } from '@fastify/swagger';
import type { TSchema } from 'typebox';
import { PROBLEM_CONTENT_TYPE } from '../problem.js';
import type { Playbook as PlaybookDefinition } from '../playbooks.js';

const statusText: Record<number, string> = {
  400: 'Invalid request: malformed URL, JSON or query, or a field that fails validation (errors[] names it)',
  401: 'No valid credential (Authorization: Bearer <API key or OIDC token>); WWW-Authenticate says why',
  403: "The credential lacks the route's scope (insufficient-scope), names someone it may not act for, or a playbook's role rule refused the event (refused-by-rule, naming the rule)",
  404: 'No such resource',
  409: 'Conflict with the current state',
  413: 'Body larger than the limit',
  414: 'A path parameter longer than the router allows',
  415: 'Body not sent as application/json',
  422: 'Well-formed input that a rule of the playbook refuses (the problem type names the rule, errors[] the field), or an Idempotency-Key reused with another body (idempotency-key-reused)',
  429: 'More requests per minute than this credential may send (RATE_LIMIT_PER_MINUTE); Retry-After says when to try again',
  500: 'Internal error (a bug; logged with the request id)',
  503: 'Temporal or a worker is not available right now; Retry-After says when to try again',
  504: 'Temporal did not answer in time',
};

/** Problem responses for the given statuses, with their descriptions. */
export function problemResponses(...statuses: number[]): Record<number, unknown> {
  return Object.fromEntries(
    statuses.map((s) => [
      s,
      {
        description: statusText[s] ?? 'Error',
        content: { [PROBLEM_CONTENT_TYPE]: { schema: { $ref: 'Problem#' } } },
        ...((s === 503 || s === 429) && {
          headers: { 'retry-after': { type: 'integer', description: 'Seconds to wait before retrying' } },
        }),
        ...(s === 401 && {
          headers: { 'www-authenticate': { type: 'string', description: 'Bearer challenge (RFC 6750)' } },
        }),
      },
    ]),
  );
}

/**
 * Adds to every documented route the statuses its shape makes possible: 400 when it reads a body,
 * query or path parameter; 414 for path parameters; 413 and 415 for a body; 500 always.
 */
export function addCommonResponses(route: RouteOptions): void {
  const schema = route.schema as (Record<string, unknown> & { response?: Record<string, unknown> }) | undefined;
  if (!schema || schema.hide) return;
  const statuses = [500];
  const hasParams = /[:*]/.test(route.url);
  if (schema.body || schema.querystring || schema.params || schema.headers || hasParams) statuses.push(400);
  if (hasParams) statuses.push(414);
  if (schema.body) statuses.push(413, 415);
  const response = { ...(schema.response ?? {}) };
  for (const [status, value] of Object.entries(problemResponses(...statuses))) {
    if (!(status in response)) response[status] = value;
  }
  schema.response = response;
}

/** Unknown query parameters are refused on every route that has no query schema of its own. */
export function refuseUnknownQuery(route: RouteOptions): void {
  const schema = route.schema as Record<string, unknown> | undefined;
  if (!schema || schema.hide || schema.querystring) return;
  schema.querystring = { type: 'object', properties: {}, additionalProperties: false };
}

const pascal = (s: string) => s.replace(/(^|[^A-Za-z0-9]+)([A-Za-z0-9])/g, (_m, _sep, c: string) => c.toUpperCase());

/**
 * A schema as clients see it: plain JSON, and a property with a `default` is not `required` (the
 * API fills it in before validating, so leaving it out is valid).
 */
export function publishedSchema(schema: TSchema): Record<string, unknown> {
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(node)) out[key] = key === 'properties' ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, walk(v)])) : walk(value);
    const props = out.properties as Record<string, { default?: unknown }> | undefined;
    if (props && Array.isArray(out.required)) {
      const required = (out.required as string[]).filter((k) => props[k]?.default === undefined);
      if (required.length > 0) out.required = required;
      else delete out.required;
    }
    return out;
  };
  return walk(JSON.parse(JSON.stringify(schema))) as Record<string, unknown>;
}
const plain = publishedSchema;

interface Operation {
  requestBody?: { content?: Record<string, { schema?: unknown }> };
}
interface Document {
  components?: { schemas?: Record<string, unknown> };
  paths?: Record<string, Record<string, Operation>>;
}

function setJsonBody(doc: Document, path: string, method: string, schema: unknown): void {
  const op = doc.paths?.[path]?.[method];
  if (!op) throw new Error(`OpenAPI: no operation ${method.toUpperCase()} ${path}`);
  op.requestBody = { ...op.requestBody, content: { 'application/json': { schema } } };
}

/** The start body (per playbook) and the event bodies (per event type), as tagged unions. */
export function publishPlaybooks(doc: Document, playbooks: readonly PlaybookDefinition[], escalationId: TSchema): Document {
  const schemas = (doc.components ??= {}).schemas ?? (doc.components.schemas = {});
  const startMapping: Record<string, string> = {};
  for (const def of playbooks) {
    const name = `Start${pascal(def.name)}`;
    schemas[`${pascal(def.name)}Input`] = { ...plain(def.inputSchema), title: `${def.title}: input` };
    const example = def.example?.(Date.now());
    schemas[name] = {
      type: 'object',
      title: `Start ${def.title}`,
      description: def.description,
      required: ['playbook', 'input'],
      additionalProperties: false,
      properties: {
        playbook: { type: 'string', const: def.name },
        id: plain(escalationId),
        input: { $ref: `#/components/schemas/${pascal(def.name)}Input` },
      },
      ...(example !== undefined && { examples: [{ playbook: def.name, input: example }] }),
    };
    startMapping[def.name] = `#/components/schemas/${name}`;
  }
  setJsonBody(doc, '/escalations', 'post', {
    oneOf: Object.values(startMapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'playbook', mapping: startMapping },
  });
  // The escalation a start answers is the one GET and events take (also the Location header).
  const start = doc.paths?.['/escalations']?.post as { responses?: Record<string, { links?: unknown }> } | undefined;
  for (const status of ['200', '201']) {
    const response = start?.responses?.[status];
    if (response) {
      response.links = {
        getEscalation: { operationId: 'getEscalation', parameters: { id: '$response.body#/id' } },
        deliverEvent: { operationId: 'deliverEvent', parameters: { id: '$response.body#/id' } },
      };
    }
  }

  // Events: one component per event type. A type two playbooks share (e.g. `acknowledged`) with
  // schemas that differ (their descriptions, their fields) is published as anyOf its variants, each
  // titled with its playbook: the discriminator still maps the type to one component.
  const eventMapping: Record<string, string> = {};
  const variants = new Map<string, { playbook: string; schema: TSchema; json: string }[]>();
  for (const def of playbooks) {
    for (const [type, schema] of Object.entries(def.events)) {
      const byJson = variants.get(type) ?? new Map<string, { playbook: string; schema: TSchema }>();
      const json = JSON.stringify(schema);
      const list = variants.get(type) ?? [];
      if (!list.some((v) => v.json === json)) list.push({ playbook: def.name, schema, json });
      else list.find((v) => v.json === json)!.playbook += `, ${def.name}`;
      variants.set(type, list);
    }
  }
  for (const [type, list] of variants) {
    const name = `${pascal(type)}Event`;
    schemas[name] =
      list.length === 1
        ? { ...plain(list[0]!.schema), title: `${type} (${list[0]!.playbook})` }
        : { title: `${type} (${list.map((v) => v.playbook).join('; ')})`, anyOf: list.map((v) => ({ ...plain(v.schema), title: `${type} (${v.playbook})` })) };
    eventMapping[type] = `#/components/schemas/${name}`;
  }
  setJsonBody(doc, '/escalations/{id}/events', 'post', {
    oneOf: Object.values(eventMapping).map(($ref) => ({ $ref })),
    discriminator: { propertyName: 'type', mapping: eventMapping },
  });
  return doc;
}

export function swaggerOptions(opts: {
  playbooks: () => readonly PlaybookDefinition[];
  escalationId: TSchema;
  /** The credentials callers may present (src/auth/http.ts securitySchemes); each route names its own. */
  securitySchemes: Record<string, unknown>;
}): FastifyDynamicSwaggerOptions {
  return {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'escalation-engine',
        version: '0.1.0',
        description:
          'Start escalations, deliver events from people, read what each escalation waits for. Every route but health and ' +
          'docs needs a credential (`Authorization: Bearer <API key or OIDC token>`); the route says which scope. Every error is ' +
          'application/problem+json (RFC 9457); the README lists the problem types and the limits.',
      },
      tags: [{ name: 'escalations' }, { name: 'playbooks' }, { name: 'templates' }, { name: 'health' }, { name: 'codec' }, { name: 'dev' }],
      components: { securitySchemes: opts.securitySchemes as never },
    },
    convertConstToEnum: false,
    // Shared schemas keep their $id as component name (Problem, Escalation, EscalationState).
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => (typeof json.$id === 'string' ? json.$id : `def-${i}`) },
    transformObject: (documentObject) => {
      const doc = 'openapiObject' in documentObject ? documentObject.openapiObject : documentObject.swaggerObject;
      return publishPlaybooks(doc as Document, opts.playbooks(), opts.escalationId) as typeof doc;
    },
  };
}

/** Registers the hooks that complete every route's documented responses and query rules. */
export function completeRouteSchemas(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    refuseUnknownQuery(route);
    addCommonResponses(route);
  });
}
