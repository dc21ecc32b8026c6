// Precompiled TemplateCatalog.render vs. filling the MJML and running mjml2html on every send.
// Run: npx tsx bench/email-render.ts [iterations]   (prints plain lines, then one JSON line)
import { readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import mjml2html from 'mjml';
import Mustache from 'mustache';
import {
  TemplateCatalog,
  escapeHtml,
  htmlToPlainText,
  mjmlOptions,
  type RenderedEmail,
  type TemplateName,
} from '../activities/email/templates.js';

export interface EmailRenderBenchResult {
  bench: 'email-render';
  template: string;
  iterations: number;
  precompiledMedianMs: number;
  perSendMjmlMedianMs: number;
  ratio: number;
  goalRatio: number;
  meetsGoal: boolean;
  sameOutput: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
};

async function sample(n: number, warmup: number, fn: () => unknown): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    await fn();
    times.push(performance.now() - t0);
  }
  return times;
}

export async function runEmailRenderBench(iterations = 200): Promise<EmailRenderBenchResult> {
  const name: TemplateName = 'tech-issue-cancelled'; // the longest template
  const catalog = await TemplateCatalog.load();
  const values = catalog.exampleValues(name);
  const file = catalog.file(name, 'en');
  const source = await readFile(file, 'utf8');

  // The naive path does the same work per send that load() does once: fill the values (HTML-escaped)
  // and the flag sections (none set, as in `precompiled`) with Mustache, compile, derive the text.
  const perSend = async (): Promise<RenderedEmail> => {
    const filled = Mustache.render(source, values, {}, { escape: escapeHtml });
    const { html } = await mjml2html(filled, { ...mjmlOptions, filePath: file });
    const subject = /<title>([^<]*)<\/title>/.exec(html)?.[1] ?? '';
    return { subject, html: html.trim(), text: htmlToPlainText(html) };
  };
  const precompiled = (): RenderedEmail => catalog.render(name, 'en', values);

  const a = precompiled();
  const b = await perSend();
  const sameOutput = a.html === b.html && a.text === b.text;

  const warmup = Math.min(50, iterations);
  const pre = median(await sample(iterations, warmup, precompiled));
  const mjml = median(await sample(iterations, warmup, perSend));
  const ratio = mjml / pre;
  return {
    bench: 'email-render',
    template: `en/${name}`,
    iterations,
    precompiledMedianMs: Number(pre.toFixed(4)),
    perSendMjmlMedianMs: Number(mjml.toFixed(3)),
    ratio: Math.round(ratio),
    goalRatio: 20,
    meetsGoal: ratio >= 20,
    sameOutput,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const n = Number(process.argv[2] ?? 200);
  const r = await runEmailRenderBench(Number.isInteger(n) && n > 0 ? n : 200);
  console.log(`email-render: ${r.template}, ${r.iterations} renders each after warm-up`);
  console.log(`precompiled TemplateCatalog.render median: ${r.precompiledMedianMs} ms`);
  console.log(`fill + mjml2html per send median:         ${r.perSendMjmlMedianMs} ms`);
  console.log(`ratio: ${r.ratio}x (goal >= ${r.goalRatio}x: ${r.meetsGoal ? 'met' : 'NOT met'}); identical output: ${r.sameOutput}`);
  console.log(JSON.stringify(r));
}
