// Payload encryption for data protection: escalation inputs, events, activity arguments and results,
// timeline state and the Web UI's summaries carry personal data (client names, e-mails, phone
// numbers) into Temporal's history. With PAYLOAD_CODEC_KEYS set, the client and the worker encrypt
// every payload with AES-256-GCM before it leaves the process; the server stores only ciphertext.
//
// Encrypted payload: metadata `encoding: binary/encrypted`, `encryption-key-id: <id>`; data =
// 12-byte random IV || ciphertext || 16-byte GCM tag, the plaintext being the original Payload
// (protobuf), and the key id bound in as additional authenticated data.
//
// Key rotation: PAYLOAD_CODEC_KEYS lists `<id>=<base64 of 32 bytes>` entries, comma-separated; the
// FIRST key encrypts, every listed key decrypts (the id in each payload picks it). To rotate, put a
// new key first and keep the old ones listed for as long as histories encrypted with them exist
// (an escalation's history lives until its retention period after it closed).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { DataConverter, Payload, PayloadCodec } from '@temporalio/common';
import proto from '@temporalio/proto';

const { Payload: PayloadMessage } = proto.temporal.api.common.v1;

export const ENCRYPTED_ENCODING = 'binary/encrypted';
export const KEY_ID_METADATA = 'encryption-key-id';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const KEY_ID = /^[A-Za-z0-9._-]{1,64}$/;

export interface CodecKey {
  id: string;
  /** 32 bytes. */
  key: Buffer;
}

export class CodecKeyError extends Error {
  override name = 'CodecKeyError';
}

/** Parses `id=base64,id2=base64` (PAYLOAD_CODEC_KEYS); the first key is the one that encrypts. */
export function parseCodecKeys(value: string): CodecKey[] {
  const keys = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .map((entry) => {
      const eq = entry.indexOf('=');
      const id = eq < 0 ? '' : entry.slice(0, eq).trim();
      const encoded = eq < 0 ? '' : entry.slice(eq + 1).trim();
      if (!KEY_ID.test(id)) throw new CodecKeyError(`each entry must be <key id>=<base64 key> with a key id of A-Z a-z 0-9 . _ - (got '${id || entry.slice(0, 12)}…')`);
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encoded)) throw new CodecKeyError(`key '${id}' is not base64`);
      const key = Buffer.from(encoded, 'base64');
      if (key.length !== 32) throw new CodecKeyError(`key '${id}' must be 32 bytes (AES-256), got ${key.length}`);
      return { id, key };
    });
  if (keys.length === 0) throw new CodecKeyError('no key given');
  const ids = keys.map((k) => k.id);
  const duplicate = ids.find((id, i) => ids.indexOf(id) !== i);
  if (duplicate) throw new CodecKeyError(`key id '${duplicate}' is listed twice`);
  return keys;
}

/** A new random key in PAYLOAD_CODEC_KEYS form, e.g. for `npm run codec-key`-style set-ups and tests. */
export function newCodecKey(id: string): string {
  return `${id}=${randomBytes(32).toString('base64')}`;
}

export class AesGcmPayloadCodec implements PayloadCodec {
  readonly #encryptWith: CodecKey;
  readonly #keys: Map<string, Buffer>;

  constructor(keys: CodecKey[]) {
    if (keys.length === 0) throw new CodecKeyError('no key given');
    this.#encryptWith = keys[0]!;
    this.#keys = new Map(keys.map((k) => [k.id, k.key]));
  }

  /** The id of the key new payloads are encrypted with. */
  get keyId(): string {
    return this.#encryptWith.id;
  }

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const { id, key } = this.#encryptWith;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      cipher.setAAD(Buffer.from(id, 'utf8'));
      const plain = PayloadMessage.encode(payload).finish();
      const data = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: Buffer.from(ENCRYPTED_ENCODING), [KEY_ID_METADATA]: Buffer.from(id) },
        data,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (Buffer.from(payload.metadata?.encoding ?? []).toString() !== ENCRYPTED_ENCODING) return payload;
      const idBytes = payload.metadata?.[KEY_ID_METADATA];
      const id = idBytes ? Buffer.from(idBytes).toString() : '';
      const key = this.#keys.get(id);
      if (!key) throw new CodecKeyError(`payload encrypted with key '${id}', which PAYLOAD_CODEC_KEYS does not list`);
      const data = Buffer.from(payload.data ?? []);
      if (data.length < IV_BYTES + TAG_BYTES) throw new CodecKeyError('encrypted payload is too short');
      const decipher = createDecipheriv('aes-256-gcm', key, data.subarray(0, IV_BYTES));
      decipher.setAAD(Buffer.from(id, 'utf8'));
      decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
      const plain = Buffer.concat([decipher.update(data.subarray(IV_BYTES, data.length - TAG_BYTES)), decipher.final()]);
      return PayloadMessage.decode(plain) as Payload;
    });
  }
}

/** The codec for PAYLOAD_CODEC_KEYS, or undefined when none is configured. */
export function payloadCodecFrom(keys: string | undefined): AesGcmPayloadCodec | undefined {
  return keys ? new AesGcmPayloadCodec(parseCodecKeys(keys)) : undefined;
}

/** The data converter for a Client or Worker: the default one, plus the codec when there is one. */
export function dataConverterWith(codec: PayloadCodec | undefined): DataConverter | undefined {
  return codec ? { payloadCodecs: [codec] } : undefined;
}
