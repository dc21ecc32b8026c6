// Web API arguments arrive as form fields (everything a string, complex values JSON-encoded, which
// is what WebClient sends), as a JSON body (real types), or in the query string. One accessor
// reads them all the way Slack does.

export type JsonParse = { ok: true; value: unknown } | { ok: false };

export class Params {
  constructor(private readonly raw: Record<string, unknown>) {}

  has(name: string): boolean {
    return this.raw[name] !== undefined && this.raw[name] !== null;
  }

  str(name: string): string | undefined {
    const v = this.raw[name];
    if (typeof v === 'string') return v;
    if (typeof v === 'number' || typeof v === 'boolean') return String(v);
    return undefined;
  }

  bool(name: string): boolean {
    const v = this.raw[name];
    return v === true || v === 1 || v === 'true' || v === '1';
  }

  int(name: string): number | undefined {
    const v = this.raw[name];
    const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
    return Number.isFinite(n) ? Math.trunc(n) : undefined;
  }

  /** A comma-separated list (`users=U1,U2`) or a JSON array. */
  list(name: string): string[] {
    const v = this.raw[name];
    const items = Array.isArray(v) ? v.map(String) : (this.str(name) ?? '').split(',');
    return items.map((s) => s.trim()).filter((s) => s !== '');
  }

  /** A structured argument: JSON text in a form field, or already structured in a JSON body. */
  json(name: string): JsonParse | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') return { ok: true, value: v };
    try {
      return { ok: true, value: JSON.parse(v) as unknown };
    } catch {
      return { ok: false };
    }
  }
}
