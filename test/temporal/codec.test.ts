// The AES-256-GCM payload codec: what leaves the process is ciphertext tagged with its key id, the
// first configured key encrypts and every configured key decrypts (rotation), tampering is caught.
import { defaultPayloadConverter, type Payload } from '@temporalio/common';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { AesGcmPayloadCodec, ENCRYPTED_ENCODING, KEY_ID_METADATA, newCodecKey, parseCodecKeys } from '../../src/temporal/codec.js';
import { directoryFile } from '../helpers/fixtures.js';

const text = (b: Uint8Array | null | undefined) => Buffer.from(b ?? []).toString();
const personal = { siteContact: { name: 'Dana Client', email: 'dana.client@example.org', phone: '+1 555 0199' } };

describe('AesGcmPayloadCodec', () => {
  it('encrypts each payload with the first key, naming it in the metadata, and decrypts it back', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(`${newCodecKey('2026-11')},${newCodecKey('2026-05')}`));
    const plain = defaultPayloadConverter.toPayload(personal)!;
    const [encrypted] = await codec.encode([plain]);
    expect(text(encrypted!.metadata!.encoding)).toBe(ENCRYPTED_ENCODING);
    expect(text(encrypted!.metadata![KEY_ID_METADATA])).toBe('2026-11');
    expect(Buffer.from(encrypted!.data!).includes('dana.client')).toBe(false);
    const [decoded] = await codec.decode([encrypted!]);
    expect(defaultPayloadConverter.fromPayload(decoded!)).toEqual(personal);
    // A fresh IV every time: the same value never gives the same ciphertext.
    const [again] = await codec.encode([plain]);
    expect(Buffer.from(again!.data!).equals(Buffer.from(encrypted!.data!))).toBe(false);
  });

  it('rotation: payloads written with an older key still decrypt once a new key is put first', async () => {
    const old = newCodecKey('k1');
    const before = new AesGcmPayloadCodec(parseCodecKeys(old));
    const [written] = await before.encode([defaultPayloadConverter.toPayload(personal)!]);
    const rotated = new AesGcmPayloadCodec(parseCodecKeys(`${newCodecKey('k2')},${old}`));
    expect(rotated.keyId).toBe('k2');
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([written!]))[0]!)).toEqual(personal);
    const [fresh] = await rotated.encode([defaultPayloadConverter.toPayload('new')!]);
    expect(text(fresh!.metadata![KEY_ID_METADATA])).toBe('k2');
    // Dropping the old key too early makes its payloads unreadable, with a message naming it.
    const dropped = new AesGcmPayloadCodec(parseCodecKeys(newCodecKey('k2')));
    await expect(dropped.decode([written!])).rejects.toThrow(/key 'k1', which PAYLOAD_CODEC_KEYS does not list/);
  });

  it('passes unencrypted payloads through on decode (histories written before the key was set)', async () => {
    const codec = new AesGcmPayloadCodec(parseCodecKeys(newCodecKey('k1')));
    const plain = defaultPayloadConverter.toPayload({ a: 1 })!;
    expect(await codec.decode([plain])).toEqual([plain]);
  });

  it('detects tampering: a changed byte, a wrong key under the same id, a swapped key id', async () => {
    const key = newCodecKey('k1');
    const codec = new AesGcmPayloadCodec(parseCodecKeys(key));
    const [encrypted] = await codec.encode([defaultPayloadConverter.toPayload(personal)!]);
    const flipped: Payload = { ...encrypted!, data: Buffer.from(encrypted!.data!).map((b, i) => (i === 20 ? b ^ 1 : b)) };
    await expect(codec.decode([flipped])).rejects.toThrow();
    await expect(new AesGcmPayloadCodec(parseCodecKeys(newCodecKey('k1'))).decode([encrypted!])).rejects.toThrow();
    const other = new AesGcmPayloadCodec(parseCodecKeys(`${key},${key.replace(/^k1=/, 'k2=')}`));
    const relabelled: Payload = { ...encrypted!, metadata: { ...encrypted!.metadata, [KEY_ID_METADATA]: Buffer.from('k2') } };
    await expect(other.decode([relabelled])).rejects.toThrow();
  });
});

describe('PAYLOAD_CODEC_KEYS', () => {
  it.each([
    ['k1', /<key id>=<base64 key>/],
    ['k1=not*base64', /not base64/],
    [`k1=${Buffer.alloc(16).toString('base64')}`, /32 bytes \(AES-256\), got 16/],
    [`bad id=${Buffer.alloc(32).toString('base64')}`, /key id/],
    [`k1=${Buffer.alloc(32).toString('base64')},k1=${Buffer.alloc(32, 1).toString('base64')}`, /listed twice/],
  ])('%s is refused at start-up, naming the variable', async (value, message) => {
    const err = await loadConfig({ DIRECTORY_FILE: directoryFile, PAYLOAD_CODEC_KEYS: value }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toContain('PAYLOAD_CODEC_KEYS');
    expect((err as Error).message).toMatch(message);
  });

  it('unset: no codec (payloads in the clear)', async () => {
    expect((await loadConfig({ DIRECTORY_FILE: directoryFile })).codec).toBeUndefined();
  });
});
