// check-readers.mjs: our trace exports read by readers we did not write
//
// SPDX-License-Identifier: GPL-3.0-or-later
//
// Every bundled scenario is run on the virtual clock and saved with
// `awaitscope run ID --virtual-clock --trace FILE`, and the file is read by
//  - the Chrome DevTools performance panel's trace engine
//    (@paulirish/trace_engine): it pairs async b/e events by category, id and
//    name only, across the whole file, so every task's span must pair with an
//    end of its own run (pid); its flows handler binds a flow's s and f to
//    the slices they stand in, so every s/f pair written must come out as
//    one bound flow; and each run's root tasks, as the engine pairs them,
//    span exactly what `run --json` reports as the run's wall time;
//  - speedscope's importer (speedscope), which must take the file as Trace
//    Event Format and make a profile for every run.
//
// The readers are npm packages that scripts/test installs (exact versions
// in tests/traces/package.json) under build/npm, or under $AW_NPM_PREFIX.
// Without them, without node, or on a node too old to run them, the test
// says so and skips (TAP "1..0 # SKIP").
//
// Usage: node check-readers.mjs [NPM_PREFIX]
// Environment: AWAITSCOPE (the binary), AW_SOURCE_ROOT (for the scenarios).

import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import vm from 'node:vm';

const NODE_MAJOR_NEEDED = 18;

function skip (reason) {
  console.log(`1..0 # SKIP ${reason}`);
  process.exit(0);
}

if (Number(process.versions.node.split('.')[0]) < NODE_MAJOR_NEEDED)
  skip(`node ${process.versions.node} is older than ${NODE_MAJOR_NEEDED}, which the trace readers need`);

const awaitscope = process.env.AWAITSCOPE;
const sourceRoot = process.env.AW_SOURCE_ROOT;
if (!awaitscope || !sourceRoot)
  skip('AWAITSCOPE or AW_SOURCE_ROOT is not set (run through meson test)');

const prefix = process.env.AW_NPM_PREFIX || process.argv[2] || '';
const modules = path.join(prefix, 'node_modules');
const engineDir = path.join(modules, '@paulirish', 'trace_engine');
const speedscopeDir = path.join(modules, 'speedscope', 'dist', 'release');
if (!prefix || !fs.existsSync(path.join(engineDir, 'package.json')) ||
    !fs.existsSync(speedscopeDir))
  skip(`the trace readers are not installed in ${prefix || '(no prefix)'} (scripts/test installs them)`);

// The engine is DevTools' front end and expects two browser features that
// node does not have: DOMRect (its README says to polyfill it; the package
// ships the polyfill) and URL.parse (node 18 lacks it; Debian 12 has 18).
URL.parse ??= (url, base) => {
  try {
    return new URL(url, base);
  } catch {
    return null;
  }
};
const { polyfillDOMRect } = await import(pathToFileURL(path.join(engineDir, 'analyze-trace.mjs')));
polyfillDOMRect?.();
const Trace = await import(pathToFileURL(path.join(engineDir, 'models', 'trace', 'trace.js')));

// speedscope ships only its web application, one bundle that builds the
// page as it loads. Its importers are one module inside it, loaded through
// a promise the application keeps; the bundle is run in a context of its
// own, with the little of a browser that it touches before the page, and
// stopped just before it builds the page, handing that promise out.
// What speedscope says while importing: slices that do not nest, ends
// without a begin.
const speedscopeWarnings = [];

async function loadSpeedscopeImporter () {
  const bundleName = fs.readdirSync(speedscopeDir).find(f => /^speedscope-.*\.js$/.test(f));
  if (!bundleName)
    throw new Error(`no speedscope bundle in ${speedscopeDir}`);
  const source = fs.readFileSync(path.join(speedscopeDir, bundleName), 'utf8');
  const importers = source.match(/var (\w+)=Promise\.resolve\(\)\.then\(\(\)=>\(\w+\(\),\w+\)\);/);
  const boot = source.indexOf('console.log(`speedscope v');
  if (!importers || boot < 0)
    throw new Error(`${bundleName}: its importers or its start were not found`);
  const patched = source.slice(0, boot) +
    `globalThis.__importers=${importers[1]};return;` + source.slice(boot);
  const context = {
    console: {
      log () {},
      info () {},
      debug () {},
      warn (...args) { speedscopeWarnings.push(args.join(' ')); },
      error (...args) { speedscopeWarnings.push(args.join(' ')); },
    },
    setTimeout, clearTimeout, TextDecoder, TextEncoder, URL,
    location: { hash: '', protocol: 'file:', search: '' },
    localStorage: {},
    navigator: { userAgent: 'node', platform: 'node' },
    devicePixelRatio: 1,
    matchMedia: () => ({ matches: false, addEventListener () {}, addListener () {} }),
    addEventListener () {},
    requestAnimationFrame: f => setTimeout(f, 0),
  };
  context.window = context;
  context.self = context;
  vm.createContext(context);
  vm.runInContext(patched, context, { filename: bundleName });
  const module = await context.__importers;
  if (typeof module?.importProfileGroupFromText !== 'function')
    throw new Error(`${bundleName}: importProfileGroupFromText is missing`);
  return module;
}

const speedscope = await loadSpeedscopeImporter();

const scenarios = fs.readdirSync(path.join(sourceRoot, 'data', 'scenarios'))
  .filter(f => f.endsWith('.json'))
  .map(f => f.replace(/\.json$/, ''))
  .sort();
if (scenarios.length === 0)
  throw new Error('no bundled scenarios found');

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'aw-readers-'));
process.on('exit', () => fs.rmSync(tmp, { recursive: true, force: true }));

// The engine's pairing keeps the pid of the end event; the begin is in
// args.data.beginEvent.
function pairedSpans (events) {
  const asyncEvents = events.filter(e => e.ph === 'b' || e.ph === 'e' || e.ph === 'n');
  Trace.Helpers.SyntheticEvents.SyntheticEventsManager.createAndActivate(events);
  return Trace.Helpers.Trace.createMatchedSortedSyntheticEvents(asyncEvents);
}

let n = 0;
let failed = 0;
console.log(`1..${scenarios.length * 4}`);

function check (ok, what, problems) {
  n++;
  if (ok) {
    console.log(`ok ${n} - ${what}`);
    return;
  }
  failed++;
  console.log(`not ok ${n} - ${what}`);
  for (const p of problems.slice(0, 12))
    console.log(`# ${p}`);
  if (problems.length > 12)
    console.log(`# ... and ${problems.length - 12} more`);
}

for (const id of scenarios) {
  const file = path.join(tmp, `${id}.json`);
  const report = JSON.parse(execFileSync(awaitscope,
    ['run', id, '--virtual-clock', '--json', '--trace', file],
    { encoding: 'utf8', maxBuffer: 64 << 20 }));
  const text = fs.readFileSync(file, 'utf8');
  const events = JSON.parse(text).traceEvents;
  const pids = [...new Set(events.map(e => e.pid))].sort((a, b) => a - b);

  // DevTools: the whole model parses, and every task span pairs within its run.
  const model = Trace.TraceModel.Model.createWithAllHandlers();
  await model.parse(events);
  const parsed = model.parsedTrace();
  const begins = events.filter(e => e.ph === 'b');
  const spans = pairedSpans(events);
  const problems = [];
  for (const span of spans) {
    const { beginEvent, endEvent } = span.args.data;
    if (!endEvent || beginEvent.pid !== endEvent.pid)
      problems.push(`"${span.name}" (id ${beginEvent.id}) begins in run ${beginEvent.pid} and ends in run ${endEvent?.pid}`);
  }
  if (spans.length !== begins.length)
    problems.push(`${begins.length} async spans begin, the engine paired ${spans.length}`);
  check(problems.length === 0,
    `${id}: DevTools pairs all ${begins.length} async spans, each within its run`, problems);

  // DevTools: every s/f pair written is one bound flow.
  const starts = events.filter(e => e.ph === 's').length;
  const finishes = events.filter(e => e.ph === 'f').length;
  const flows = parsed.data.Flows.flows;
  const flowProblems = [];
  if (starts !== finishes)
    flowProblems.push(`${starts} flow starts but ${finishes} flow ends written`);
  if (flows.length !== starts)
    flowProblems.push(`${starts} flows written, the engine bound ${flows.length}`);
  for (const flow of flows) {
    if (new Set(flow.map(e => e.pid)).size !== 1)
      flowProblems.push(`a flow joins runs ${flow.map(e => e.pid).join(', ')}`);
  }
  check(flowProblems.length === 0, `${id}: DevTools binds all ${starts} flows`, flowProblems);

  // The root tasks' span, as DevTools pairs them, is the run's wall time.
  const timeProblems = [];
  if (pids.length !== report.variants.length)
    timeProblems.push(`${report.variants.length} runs reported, ${pids.length} processes in the trace`);
  report.variants.forEach((variant, i) => {
    const pid = pids[i];
    const roots = spans.filter(s => s.pid === pid && s.args.data.beginEvent.args?.parent === '');
    if (roots.length === 0) {
      timeProblems.push(`${variant.name}: no root task in run ${pid}`);
      return;
    }
    const first = Math.min(...roots.map(s => s.ts));
    const last = Math.max(...roots.map(s => s.ts + s.dur));
    const spanMs = (last - first) / 1000;
    if (Math.abs(spanMs - variant.wall_ms) > 0.001)
      timeProblems.push(`${variant.name}: root tasks span ${spanMs} ms, run --json says ${variant.wall_ms} ms`);
  });
  check(timeProblems.length === 0,
    `${id}: root task spans equal run --json wall times (${report.variants.map(v => v.wall_ms).join(', ')} ms)`,
    timeProblems);

  // speedscope: imported as Trace Event Format without a complaint, with a
  // profile for every thread of every run that ran code (speedscope reads
  // thread slices only: a run whose tasks only waited has none).
  const ssProblems = [];
  const threads = new Set(events.filter(e => e.ph === 'X').map(e => `(pid ${e.pid}), `));
  const ranCode = new Set(events.filter(e => e.ph === 'X').map(e => e.pid));
  speedscopeWarnings.length = 0;
  try {
    const group = await speedscope.importProfileGroupFromText(`${id}.json`, text);
    if (!group)
      ssProblems.push('speedscope did not recognise the file');
    else {
      const names = group.profiles.map(p => p.getName());
      for (const pid of ranCode) {
        if (!names.some(name => name.includes(`(pid ${pid}), `)))
          ssProblems.push(`no profile for run ${pid} among: ${names.join('; ')}`);
      }
      if (names.some(name => ![...threads].some(t => name.includes(t))))
        ssProblems.push(`a profile for a run with no thread slices among: ${names.join('; ')}`);
    }
  } catch (error) {
    ssProblems.push(`speedscope failed: ${error.message}`);
  }
  ssProblems.push(...speedscopeWarnings.map(w => `speedscope: ${w}`));
  check(ssProblems.length === 0,
    `${id}: speedscope imports a profile for each of the ${ranCode.size} runs that ran code, without a complaint`,
    ssProblems);
}

process.exitCode = failed > 0 ? 1 : 0;
