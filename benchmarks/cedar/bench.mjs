// Times Cedar (cedar-wasm) on the decisions that benchmarks/Airlock.Benchmarks times, over the same
// generated bundles translated to Cedar (see CedarTranslator.cs for the mapping).
//
//   node bench.mjs [--min-time-ms 2000] [--out results.json] DIR/cedar-1000.json [more data sets]
//
// Run one data set per process: node v20.20.2 aborted ("Fatal error ... unreachable code" in V8's
// Deoptimizer) when the 10,000-rule set ran after the smaller ones in the same process.
//
// For each data set: pre-parse the policy set once (preparsePolicySet), check that Cedar and Airlock
// agree on every request of the set, then time statefulIsAuthorized on each named decision: warm up,
// then batches of calls until the minimum time has passed, and report the median time per call.
//
// What one timed call includes: handing the request (principal, action, resource, context and the
// two entities it needs) from JavaScript to wasm, Cedar building its entity store and evaluating the
// policies, the answer coming back to JavaScript, and reading the determining policies' effects to
// tell review from deny. What it leaves out, in Cedar's favour: computing the local day and minute
// per time zone, which the data set supplies precomputed, while Airlock converts time zones itself.

import { readFileSync, writeFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { getCedarVersion, preparsePolicySet, statefulIsAuthorized } from '@cedar-policy/cedar-wasm/nodejs';

const args = process.argv.slice(2);
let minTimeMs = 2000;
let out = null;
const files = [];
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--min-time-ms') minTimeMs = Number(args[++i]);
  else if (args[i] === '--out') out = args[++i];
  else files.push(args[i]);
}

if (files.length === 0 || !(minTimeMs > 0)) {
  console.error('usage: node bench.mjs [--min-time-ms 2000] [--out results.json] cedar-N.json...');
  process.exit(2);
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

/** Cedar's allow/deny, turned back into Airlock's allow/review/deny through the policies' annotations. */
function decide(call, effects) {
  const answer = statefulIsAuthorized(call);
  if (answer.type !== 'success') {
    throw new Error(`cedar failed: ${JSON.stringify(answer.errors)}`);
  }

  const { decision, diagnostics } = answer.response;
  if (diagnostics.errors.length > 0) {
    throw new Error(`policies failed to evaluate: ${JSON.stringify(diagnostics.errors)}`);
  }

  if (decision === 'allow') return { effect: 'allow', reasons: diagnostics.reason };
  let effect = 'deny';
  if (diagnostics.reason.length > 0 && !diagnostics.reason.some((id) => effects.get(id) === 'deny')) effect = 'review';
  return { effect, reasons: diagnostics.reason };
}

function callFor(request, setId) {
  return {
    principal: request.principal,
    action: request.action,
    resource: request.resource,
    context: request.context,
    entities: request.entities,
    preparsedPolicySetId: setId,
  };
}

function time(call, effects) {
  // Warm up (JIT, wasm tiering), then size batches to about 2 ms so the clock's resolution does not matter.
  let start = performance.now();
  let calls = 0;
  while (performance.now() - start < Math.min(500, minTimeMs / 4)) {
    decide(call, effects);
    calls++;
  }

  const perCall = (performance.now() - start) / calls;
  const batch = Math.max(1, Math.ceil(2 / perCall));
  const samples = [];
  start = performance.now();
  while (performance.now() - start < minTimeMs || samples.length < 15) {
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < batch; i++) decide(call, effects);
    samples.push(Number(process.hrtime.bigint() - t0) / batch);
  }

  return { medianNs: median(samples), batches: samples.length, batch };
}

const results = { cedarVersion: getCedarVersion(), node: process.version, minTimeMs, sets: [] };
console.log(`cedar ${results.cedarVersion} (cedar-wasm) on node ${process.version}`);
for (const file of files) {
  const data = JSON.parse(readFileSync(file, 'utf8'));
  const setId = `airlock-${data.ruleCount}`;
  const effects = new Map(Object.entries(data.effects));

  const parseStart = performance.now();
  const parsed = preparsePolicySet(setId, { staticPolicies: data.policies });
  const parseMs = performance.now() - parseStart;
  if (parsed.type !== 'success') {
    throw new Error(`${file}: the policy set does not parse: ${JSON.stringify(parsed.errors)}`);
  }

  // Agreement first: a fast engine on a different policy proves nothing.
  let mismatches = 0;
  for (const request of [...data.decisions, ...data.checks]) {
    const got = decide(callFor(request, setId), effects);
    const want = request.expected;
    const ruleOk = want.rule === 'default-deny' ? got.reasons.length === 0 : got.reasons.includes(want.rule);
    if (got.effect !== want.effect || !ruleOk) {
      if (++mismatches <= 10) {
        console.error(`${file} ${request.name}: airlock ${want.effect} by ${want.rule}, cedar ${got.effect} by [${got.reasons.join(', ')}]`);
      }
    }
  }

  if (mismatches > 0) {
    throw new Error(`${file}: Cedar and Airlock disagree on ${mismatches} requests`);
  }

  const set = { ruleCount: data.ruleCount, policies: Object.keys(data.policies).length, parseMs, agreed: data.decisions.length + data.checks.length, decisions: {} };
  for (const request of data.decisions) {
    set.decisions[request.name] = time(callFor(request, setId), effects);
  }

  results.sets.push(set);
  const shown = Object.entries(set.decisions).map(([name, r]) => `${name} ${(r.medianNs / 1000).toFixed(2)} µs`).join(', ');
  console.log(`${data.ruleCount} rules: pre-parsed in ${parseMs.toFixed(0)} ms, agrees with Airlock on ${set.agreed} requests; median per decision: ${shown}`);
}

// The floor: the first data set's first decision against a one-policy set that permits everything,
// which is what a call costs before any policy of substance is looked at.
if (results.sets.length > 0) {
  const data = JSON.parse(readFileSync(files[0], 'utf8'));
  const parsed = preparsePolicySet('floor', { staticPolicies: { everything: 'permit (principal, action, resource);' } });
  if (parsed.type !== 'success') throw new Error(`the floor policy does not parse: ${JSON.stringify(parsed.errors)}`);
  results.floor = { decision: data.decisions[0].name, ...time(callFor(data.decisions[0], 'floor'), new Map()) };
  console.log(`floor: ${data.decisions[0].name} against a one-policy set: ${(results.floor.medianNs / 1000).toFixed(2)} µs`);
}

if (out) writeFileSync(out, JSON.stringify(results, null, 2));
