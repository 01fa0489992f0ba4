// node scripts/cpuprofile-summary.mjs FILE.cpuprofile [N]
// Where a V8 CPU profile (BENCH_WEB_NODE_ARGS=--cpu-prof, BENCH_CPU_PROF_DIR) spent its time: self
// time by package and by function, then the time under each frame of the app's own code. Frames
// of the production build are named after their source through the build's source maps.
//   WINDOW=start,end (microseconds of the monotonic clock, as process.hrtime) keeps only the
//   samples of that stretch, e.g. one phase of a bench; WINDOWS=FILE, one "start,end" a line,
//   keeps those of several stretches (e.g. every request of one kind).
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { fileURLToPath } from "node:url";

const [file, n = "40"] = process.argv.slice(2);
if (!file) {
  console.error("usage: node scripts/cpuprofile-summary.mjs FILE.cpuprofile [N]");
  process.exit(2);
}
const top = Number(n);
const profile = JSON.parse(readFileSync(file, "utf8"));
const byId = new Map(profile.nodes.map((node) => [node.id, node]));
const parent = new Map();
for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

// WINDOW=start,end, or WINDOWS=FILE with one "start,end" per line (e.g. each request of one kind).
const windows = process.env.WINDOWS
  ? readFileSync(process.env.WINDOWS, "utf8").trim().split("\n").map((l) => l.split(",").map(Number))
  : process.env.WINDOW
    ? [process.env.WINDOW.split(",").map(Number)]
    : null;
const inWindow = (t) => windows.some(([a, b]) => t >= a && t <= b);
const msByNode = new Map();
let t = profile.startTime;
profile.samples.forEach((id, i) => {
  const delta = profile.timeDeltas[i] ?? 0;
  t += delta;
  if (windows && !inWindow(t)) return;
  msByNode.set(id, (msByNode.get(id) ?? 0) + delta / 1000);
});

// A frame's package: node_modules/<name> (next: its compiled part), node:*, the build's chunks, or the file.
function where(url) {
  if (!url) return "(native)";
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1] === "next" ? `next/${/next\/dist\/(compiled\/[^/]+|[^/]+\/[^/]+)/.exec(url)?.[1] ?? ""}` : m[1];
  if (url.startsWith("node:")) return url;
  if (url.includes(".next/server/")) return `.next/${url.split(".next/server/")[1].split("/").slice(0, 2).join("/")}`;
  return url.replace(/^file:\/\/\/.*?\/(app|lib|workers|scripts)\//, "$1/");
}
// The build's chunks (.next/server/chunks/…) and Next.js's compiled runtime come with source maps.
const maps = new Map();
function sourceMap(url) {
  if (!maps.has(url)) {
    let map = null;
    try {
      const path = url.startsWith("file://") ? fileURLToPath(url) : url;
      if (existsSync(`${path}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${path}.map`, "utf8")));
    } catch {
      map = null;
    }
    maps.set(url, map);
  }
  return maps.get(url);
}
function original(cf) {
  const entry = cf.url && sourceMap(cf.url)?.findEntry(cf.lineNumber, cf.columnNumber);
  if (!entry?.originalSource) return null;
  // Sources of the app are relative to the chunk (../../../../lib/…); Next.js's runtime names its own.
  const raw = entry.originalSource;
  const source = raw.includes("node_modules/")
    ? raw.replace(/^.*node_modules\//, "")
    : raw.startsWith("webpack://next/")
      ? `next/${raw.slice("webpack://next/".length).replace(/^\.\//, "")}`
      : raw.replace(/^(\.\.\/)+/, "");
  return { name: entry.name || cf.functionName || "(anonymous)", source, line: entry.originalLine + 1 };
}
const label = (cf) => {
  const o = original(cf);
  return o ? `${o.name} ${o.source}:${o.line}` : `${cf.functionName || "(anonymous)"} ${where(cf.url)}:${cf.lineNumber + 1}`;
};

const self = new Map();
const byPackage = new Map();
const inclusive = new Map();
let idle = 0;
let busy = 0;
for (const [id, ms] of msByNode) {
  const cf = byId.get(id).callFrame;
  if (cf.functionName === "(idle)") {
    idle += ms;
    continue;
  }
  busy += ms;
  self.set(label(cf), (self.get(label(cf)) ?? 0) + ms);
  const pkg = cf.url ? where(cf.url) : cf.functionName;
  byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + ms);
  // Time under each app frame, counted once per stack.
  const seen = new Set();
  for (let cur = id; cur !== undefined; cur = parent.get(cur)) {
    const f = byId.get(cur).callFrame;
    const k = label(f);
    if (!/^\S+ (app|lib)\//.test(k)) continue;
    if (!seen.has(k)) {
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + ms);
    }
  }
}
const table = (map) =>
  [...map]
    .sort((a, b) => b[1] - a[1])
    .slice(0, top)
    .map(([k, ms]) => `${ms.toFixed(0).padStart(8)} ms ${((100 * ms) / busy).toFixed(1).padStart(5)} %  ${k}`)
    .join("\n");
console.log(`${file}: ${(busy + idle).toFixed(0)} ms sampled, ${busy.toFixed(0)} ms busy, ${idle.toFixed(0)} ms idle`);
console.log("\nself time by package\n" + table(byPackage));
console.log("\nself time by function\n" + table(self));
console.log("\ntime under the app's own frames\n" + table(inclusive));
