// Times redact-pii on the Airlock masking corpus and scores both tools' output by the same rule.
//
//   node bench.mjs --corpus DIR/corpus.json --airlock DIR/airlock.json [--out DIR/comparison.json] [--markdown DIR/comparison.md]
//
// corpus.json and airlock.json come from `Airlock.Benchmarks --emit-masking-corpus DIR`, which also
// times Airlock on the same documents (warm-up passes, then timed passes, median pass). Here redact-pii's
// SyncRedactor with its default configuration (every built-in pattern and the name list, the same
// "every detector on" as Airlock) masks every document: warm-up passes, then timed passes for at least
// MIN_SECONDS, median pass reported. MB is 10^6 bytes of UTF-8, one '\n' per document included, as on the
// Airlock side.
//
// Recall rule, for both tools: a sensitive label is found when the masked document no longer contains
// the labelled value. Benign labels (timestamps, request ids, order ids, prices) are counted as kept when
// the masked document still contains them: that is the over-masking a recall figure does not show.
import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { SyncRedactor } = require('redact-pii');
const redactPiiVersion = require('redact-pii/package.json').version;

const WARMUP_PASSES = 2;
const MIN_PASSES = 3;
const MIN_SECONDS = 3;

const args = Object.fromEntries(
  process.argv.slice(2).reduce((pairs, arg, i, all) => (arg.startsWith('--') ? [...pairs, [arg.slice(2), all[i + 1]]] : pairs), []),
);
if (!args.corpus || !args.airlock) {
  console.error('usage: node bench.mjs --corpus corpus.json --airlock airlock.json [--out comparison.json] [--markdown comparison.md]');
  process.exit(2);
}

const corpus = JSON.parse(readFileSync(args.corpus, 'utf8'));
const airlock = JSON.parse(readFileSync(args.airlock, 'utf8'));
const texts = corpus.documents.map((d) => d.text);
const bytes = texts.reduce((sum, t) => sum + Buffer.byteLength(t, 'utf8') + 1, 0);
if (airlock.masked.length !== texts.length || airlock.bytes !== bytes) {
  throw new Error(`airlock.json does not match the corpus: ${airlock.masked.length} documents and ${airlock.bytes} bytes, against ${texts.length} and ${bytes}`);
}

// --- redact-pii: time it
const redactor = new SyncRedactor();
let masked = [];
const maskAll = () => texts.map((t) => redactor.redact(t));
for (let i = 0; i < WARMUP_PASSES; i++) masked = maskAll();
const passes = [];
const started = performance.now();
while (passes.length < MIN_PASSES || performance.now() - started < MIN_SECONDS * 1000) {
  const t0 = performance.now();
  masked = maskAll();
  passes.push((performance.now() - t0) / 1000);
}
passes.sort((a, b) => a - b);
const median = passes[Math.floor(passes.length / 2)];
const redactPii = { tool: 'redact-pii', version: redactPiiVersion, passes: passes.length, medianSeconds: median, mbPerSecond: bytes / 1e6 / median };

// --- score both by the same rule
function score(outputs) {
  const byType = new Map();
  corpus.documents.forEach((doc, i) => {
    const source = i < corpus.logLines ? 'log' : 'sentences';
    for (const label of doc.labels) {
      const value = doc.text.substr(label.start, label.length);
      const present = outputs[i].includes(value);
      const hit = label.sensitive ? !present : present;
      for (const key of [label.type, `${label.type}@${source}`]) {
        const entry = byType.get(key) ?? { sensitive: label.sensitive, total: 0, hits: 0 };
        entry.total++;
        entry.hits += hit ? 1 : 0;
        byType.set(key, entry);
      }
    }
  });
  return byType;
}

const scores = { airlock: score(airlock.masked), redactPii: score(masked) };
const types = [...scores.airlock.keys()].filter((k) => !k.includes('@'));
const sensitiveTypes = types.filter((t) => scores.airlock.get(t).sensitive);
const benignTypes = types.filter((t) => !scores.airlock.get(t).sensitive);
const order = ['email', 'card', 'phone', 'ssn', 'ip_address'];
sensitiveTypes.sort((a, b) => ((order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99)) || a.localeCompare(b));

const pct = (e) => (e ? `${((100 * e.hits) / e.total).toFixed(1)}%` : '-');
const frac = (e) => (e ? `${e.hits}/${e.total}` : '-');
const total = (tool, list) => {
  const sum = list.reduce((acc, t) => ({ hits: acc.hits + scores[tool].get(t).hits, total: acc.total + scores[tool].get(t).total }), { hits: 0, total: 0 });
  return sum;
};

const lines = [];
lines.push(`Corpus: ${texts.length} documents (${corpus.logLines} log lines, ${corpus.sentences} sentences), ${(bytes / 1e6).toFixed(3)} MB.`);
lines.push('');
lines.push('| Tool | Version | Detectors | Median pass | Throughput | Passes |');
lines.push('|---|---|---|---:|---:|---:|');
lines.push(`| Airlock | .NET ${airlock.runtime} | ${airlock.detectors.length} (all in DetectorCatalog) | ${(airlock.medianSeconds * 1000).toFixed(1)} ms | ${airlock.mbPerSecond.toFixed(1)} MB/s | ${airlock.passes} |`);
lines.push(`| redact-pii | ${redactPii.version}, node ${process.version} | SyncRedactor defaults (every built-in) | ${(redactPii.medianSeconds * 1000).toFixed(1)} ms | ${redactPii.mbPerSecond.toFixed(2)} MB/s | ${redactPii.passes} |`);
lines.push('');
lines.push(`Airlock ÷ redact-pii throughput: ${(airlock.mbPerSecond / redactPii.mbPerSecond).toFixed(1)}×`);
lines.push('');
lines.push('Recall (sensitive value gone from the output), all documents; log lines and sentences split out:');
lines.push('');
lines.push('| Type | Labels | Airlock | redact-pii | Airlock (log / sentences) | redact-pii (log / sentences) |');
lines.push('|---|---:|---:|---:|---:|---:|');
const split = (tool, t) => `${pct(scores[tool].get(`${t}@log`))} / ${pct(scores[tool].get(`${t}@sentences`))}`;
for (const t of sensitiveTypes) {
  lines.push(`| ${t} | ${scores.airlock.get(t).total} | ${pct(scores.airlock.get(t))} | ${pct(scores.redactPii.get(t))} | ${split('airlock', t)} | ${split('redactPii', t)} |`);
}
const five = sensitiveTypes.filter((t) => order.includes(t));
const fa = total('airlock', five);
const fr = total('redactPii', five);
lines.push(`| **email, card, phone, ssn, ip** | ${fa.total} | **${pct(fa)}** | **${pct(fr)}** | | |`);
const aa = total('airlock', sensitiveTypes);
const ar = total('redactPii', sensitiveTypes);
lines.push(`| **all sensitive** | ${aa.total} | **${pct(aa)}** | **${pct(ar)}** | | |`);
lines.push('');
lines.push('Benign values kept (still in the output; higher is better):');
lines.push('');
lines.push('| Type | Labels | Airlock | redact-pii |');
lines.push('|---|---:|---:|---:|');
for (const t of benignTypes) {
  lines.push(`| ${t} | ${scores.airlock.get(t).total} | ${pct(scores.airlock.get(t))} | ${pct(scores.redactPii.get(t))} |`);
}
const ba = total('airlock', benignTypes);
const br = total('redactPii', benignTypes);
lines.push(`| **all benign** | ${ba.total} | **${pct(ba)}** (${frac(ba)}) | **${pct(br)}** (${frac(br)}) |`);

const table = lines.join('\n');
console.log(table);

// One example per tool, so the reader sees what each does to a line.
const example = corpus.documents.findIndex((d) => d.labels.some((l) => l.type === 'email') && d.labels.some((l) => l.type === 'request_id'));
console.log(`\nexample input:      ${texts[example]}`);
console.log(`example airlock:    ${airlock.masked[example]}`);
console.log(`example redact-pii: ${masked[example]}`);

if (args.markdown) writeFileSync(args.markdown, `${table}\n`);
if (args.out) {
  const toObject = (m) => Object.fromEntries([...m.entries()]);
  writeFileSync(args.out, JSON.stringify({ bytes, documents: texts.length, airlock: { ...airlock, masked: undefined }, redactPii, recall: { airlock: toObject(scores.airlock), redactPii: toObject(scores.redactPii) } }, null, 2));
}
