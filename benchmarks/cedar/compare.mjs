// Puts the BenchmarkDotNet results of PolicyDecisionBenchmarks next to the Cedar results of bench.mjs:
// the median per decision of each, the ratio, and whether the issue's targets are met.
//
//   node compare.mjs [--markdown out.md] BDN-report-full.json cedar-results.json...
//
// Several Cedar result files (one per bench.mjs process) are merged.

import { readFileSync, writeFileSync } from 'node:fs';

const args = process.argv.slice(2);
let markdownFile = null;
if (args[0] === '--markdown') {
  markdownFile = args[1];
  args.splice(0, 2);
}

const [bdnFile, ...cedarFiles] = args;
if (!bdnFile || cedarFiles.length === 0) {
  console.error('usage: node compare.mjs [--markdown out.md] BDN-report-full.json cedar-results.json...');
  process.exit(2);
}

const bdn = JSON.parse(readFileSync(bdnFile, 'utf8'));
const cedarRuns = cedarFiles.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const cedar = { sets: cedarRuns.flatMap((r) => r.sets), floor: cedarRuns.find((r) => r.floor)?.floor };

const airlock = new Map();
for (const b of bdn.Benchmarks) {
  const rules = Number(/RuleCount=(\d+)/.exec(b.Parameters)[1]);
  airlock.set(`${b.Method}/${rules}`, { medianNs: b.Statistics.Median, bytes: b.Memory.BytesAllocatedPerOperation });
}

const decisions = [...new Set(bdn.Benchmarks.map((b) => b.Method))];
const ruleCounts = [...new Set(bdn.Benchmarks.map((b) => Number(/RuleCount=(\d+)/.exec(b.Parameters)[1])))].sort((a, b) => a - b);

const ns = (v) => (v >= 10_000 ? `${(v / 1000).toLocaleString('en-US', { maximumFractionDigits: 0 })} µs` : v >= 1000 ? `${(v / 1000).toFixed(2)} µs` : `${v.toFixed(1)} ns`);
const times = (v) => `${v.toLocaleString('en-US', { maximumFractionDigits: v >= 100 ? 0 : 1 })}×`;

const lines = [];
lines.push('| Decision | Rules | Airlock median | Airlock allocated | Cedar median | Cedar ÷ Airlock |');
lines.push('|---|---:|---:|---:|---:|---:|');
const failures = [];
for (const rules of ruleCounts) {
  const set = cedar.sets.find((s) => s.ruleCount === rules);
  for (const decision of decisions) {
    const a = airlock.get(`${decision}/${rules}`);
    const c = set?.decisions[decision];
    lines.push(`| ${decision} | ${rules.toLocaleString('en-US')} | ${ns(a.medianNs)} | ${a.bytes} B | ${c ? ns(c.medianNs) : 'n/a'} | ${c ? times(c.medianNs / a.medianNs) : 'n/a'} |`);
    if (a.bytes !== 0) failures.push(`${decision} at ${rules} rules allocates ${a.bytes} B per decision`);
    if (rules === 1000 && a.medianNs > 2000) failures.push(`${decision} at 1,000 rules takes ${ns(a.medianNs)}, over the 2 µs target`);
  }
}

// Sub-linear: from the smallest to the largest bundle the rule count grows by a factor; the median must grow by much less.
const first = ruleCounts[0];
const last = ruleCounts[ruleCounts.length - 1];
lines.push('');
lines.push(`| Decision | Airlock growth ${first.toLocaleString('en-US')} → ${last.toLocaleString('en-US')} rules | Cedar growth |`);
lines.push('|---|---:|---:|');
for (const decision of decisions) {
  const growth = airlock.get(`${decision}/${last}`).medianNs / airlock.get(`${decision}/${first}`).medianNs;
  const cf = cedar.sets.find((s) => s.ruleCount === first)?.decisions[decision];
  const cl = cedar.sets.find((s) => s.ruleCount === last)?.decisions[decision];
  lines.push(`| ${decision} | ${times(growth)} | ${cf && cl ? times(cl.medianNs / cf.medianNs) : 'n/a'} |`);
  if (growth >= last / first) failures.push(`${decision} grows ${times(growth)} for ${times(last / first)} the rules: not sub-linear`);
}

if (cedar.floor) {
  lines.push('');
  lines.push(`Cedar floor (${cedar.floor.decision} against a one-policy set): ${ns(cedar.floor.medianNs)}`);
}

const geo = (values) => Math.exp(values.reduce((s, v) => s + Math.log(v), 0) / values.length);
lines.push('');
for (const rules of ruleCounts) {
  const set = cedar.sets.find((s) => s.ruleCount === rules);
  if (!set) continue;
  const ratios = decisions.map((d) => set.decisions[d].medianNs / airlock.get(`${d}/${rules}`).medianNs);
  lines.push(`Cedar ÷ Airlock at ${rules.toLocaleString('en-US')} rules (geometric mean of the ${decisions.length} decisions): ${times(geo(ratios))}`);
}

lines.push('');
lines.push(failures.length === 0 ? 'Targets: all met (≤ 2 µs median at 1,000 rules, sub-linear growth, 0 B per decision).' : `Targets missed:\n${failures.map((f) => `- ${f}`).join('\n')}`);

const text = lines.join('\n');
console.log(text);
if (markdownFile) writeFileSync(markdownFile, `${text}\n`);
process.exitCode = failures.length === 0 ? 0 : 1;
