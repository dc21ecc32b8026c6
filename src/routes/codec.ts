// The remote codec endpoint for the Temporal Web UI and CLI (Temporal's codec server protocol):
// POST /codec/decode and POST /codec/encode take and answer `Payloads` as protobuf JSON
// (`{ "payloads": [{ "metadata": { "<key>": "<base64>" }, "data": "<base64>" }] }`), so operators
// read encrypted escalations in the Web UI (`--ui-codec-endpoint <api>/codec`, or the UI's codec
// setting). Cross-origin calls are allowed from CODEC_CORS_ORIGINS (the Web UI's origin) only.
// Registered only when PAYLOAD_CODEC_KEYS is set. Decoding reads escalations: it needs scope
// escalations:read (the Web UI passes the user's access token), except on the embedded default,
// whose Web UI has no login: there it answers this machine only.
import cors from '@fastify/cors';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { Type, type Static } from 'typebox';
import { requireLoopback } from '../auth/local.js';
import { problems } from '../problem.js';
import { problemResponse } from './schemas.js';

export interface CodecRoutesOptions {
  codec: PayloadCodec;
  /** Origins allowed to call the endpoint from a browser (the Web UI's). */
  corsOrigins: string[];
  /** No credential, loopback peers only (the embedded default). */
  localOnly: boolean;
}

const Base64 = Type.String({ pattern: '^[A-Za-z0-9+/_-]*={0,2}$', maxLength: 8 * 1024 * 1024 });
const JsonPayload = Type.Object(
  {
    metadata: Type.Optional(Type.Record(Type.String(), Base64)),
    data: Type.Optional(Base64),
  },
  { additionalProperties: true },
);
export const JsonPayloads = Type.Object({ payloads: Type.Array(JsonPayload, { maxItems: 10_000 }) }, { additionalProperties: true });
type JsonPayloads = Static<typeof JsonPayloads>;

const fromJson = (p: Static<typeof JsonPayload>): Payload => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
  data: Buffer.from(p.data ?? '', 'base64'),
});

const toJson = (p: Payload): Static<typeof JsonPayload> => ({
  metadata: Object.fromEntries(Object.entries(p.metadata ?? {}).map(([k, v]) => [k, Buffer.from(v ?? []).toString('base64')])),
  data: Buffer.from(p.data ?? []).toString('base64'),
});

export const codecRoutes: FastifyPluginAsyncTypebox<CodecRoutesOptions> = async (app, { codec, corsOrigins, localOnly }) => {
  if (localOnly) app.addHook('onRequest', async (request) => requireLoopback(request));
  // Scoped to this plugin's routes (registered under the /codec prefix, so the preflight route is
  // OPTIONS /codec/*, not OPTIONS on every path): the rest of the API sends no CORS headers.
  await app.register(cors, {
    origin: corsOrigins,
    methods: ['POST'],
    allowedHeaders: ['content-type', 'x-namespace', 'authorization'],
    credentials: true,
    maxAge: 600,
  });

  for (const op of ['decode', 'encode'] as const) {
    app.post(
      `/${op}`,
      {
        bodyLimit: 64 * 1024 * 1024,
        config: { auth: localOnly ? 'public' : { scope: 'escalations:read' } },
        schema: {
          summary: op === 'decode' ? 'Decrypt payloads (for the Temporal Web UI and CLI)' : 'Encrypt payloads (for the Temporal Web UI and CLI)',
          operationId: op === 'decode' ? 'decodePayloads' : 'encodePayloads',
          tags: ['codec'],
          // The Web UI (2.54) adds `?preserveStorageRefs=true` to every call; refusing it left every
          // payload undecoded in the UI. The codec has no external storage, so refs are kept as they are.
          querystring: Type.Object(
            { preserveStorageRefs: Type.Optional(Type.Boolean({ description: "Sent by the Temporal Web UI; this codec keeps no external storage, so it changes nothing" })) },
            { additionalProperties: false },
          ),
          body: JsonPayloads,
          response: { 200: JsonPayloads, 400: problemResponse },
        },
      },
      async (request): Promise<JsonPayloads> => {
        const payloads = request.body.payloads.map(fromJson);
        try {
          const out = op === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
          return { payloads: out.map(toJson) };
        } catch (err) {
          const message = err instanceof Error ? err.message : String(err);
          throw problems.validation(`cannot ${op} the payloads: ${message}`, [{ in: 'body', field: '/payloads', message }]);
        }
      },
    );
  }
};
