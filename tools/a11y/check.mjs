#!/usr/bin/env node
// Checks every page of built ritme sites in a real browser and with the
// Nu HTML Checker:
//   - axe-core, WCAG 2.1 A and AA rules, at 1280 and 390 px: zero violations;
//   - vnu (the Nu HTML Checker): zero errors;
//   - at 390 px no page is wider than the screen;
//   - at 390 px every visible chart label is at least 11 px on screen.
// Prints a summary per build and exits 1 on any finding (2 when the check
// itself could not run).
//
// Usage:
//   node tools/a11y/check.mjs [SITE]         build SITE (default: the example)
//                                            aggregate, pseudonymous and named,
//                                            then check the three builds
//   node tools/a11y/check.mjs --built DIR…   check folders that are already built
//                                            (with SITE too: both, in one session)
// Options:
//   --ritme BIN      the ritme binary (default $RITME_BIN, else target/debug/ritme)
//   --work DIR       where builds and the report go (default: a temporary folder)
//   --screens        also write screenshots of a few pages at both widths
//   --dark           also check colour contrast with the dark colour scheme
//   --jobs N         pages checked at once (default 2)
//   --chromium BIN   the browser (default $CHROMIUM or /usr/bin/chromium)

import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "..", "..");

const WIDTHS = [1280, 390];
const PHONE = 390;
const MIN_CHART_TEXT_PX = 11;
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
// Pages photographed with --screens (routes relative to the site root;
// missing ones are skipped).
const SCREEN_ROUTES = ["index.html", "behaviours/tijdig-opvolgen/index.html", "teams/noord/index.html"];
let latestReport = {};
// The pages photographed in `build`: the fixed ones and its latest report.
const screenRoutes = (build) => [...SCREEN_ROUTES, latestReport[build]].filter(Boolean);

function parseArgs(argv) {
  const opts = {
    site: null,
    built: [],
    ritme: process.env.RITME_BIN || path.join(repo, "target", "debug", "ritme"),
    work: null,
    screens: false,
    dark: false,
    jobs: 2,
    chromium: process.env.CHROMIUM || "/usr/bin/chromium",
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === "--built") {
      while (i + 1 < argv.length && !argv[i + 1].startsWith("--")) opts.built.push(path.resolve(argv[++i]));
    } else if (a === "--ritme") opts.ritme = path.resolve(value());
    else if (a === "--work") opts.work = path.resolve(value());
    else if (a === "--screens") opts.screens = true;
    else if (a === "--dark") opts.dark = true;
    else if (a === "--jobs") opts.jobs = Math.max(1, parseInt(value(), 10) || 1);
    else if (a === "--chromium") opts.chromium = value();
    else if (a === "-h" || a === "--help") {
      console.log(fs.readFileSync(fileURLToPath(import.meta.url), "utf8").split("\n").slice(1, 24).join("\n").replace(/^\/\/ ?/gm, ""));
      process.exit(0);
    } else if (a.startsWith("--")) fail(`unknown option ${a}`);
    else opts.site = path.resolve(a);
  }
  return opts;
}

function fail(message) {
  console.error(`a11y: error: ${message}`);
  process.exit(2);
}

// ---------------------------------------------------------------- builds

/// A copy of `site` whose ritme.yaml says `privacy.mode: mode`, in its own
/// git repository with one commit at a fixed date (so pages carry change
/// dates, as they do in a real programme, and the bytes do not depend on
/// the day the check runs).
function siteCopy(site, mode, dest) {
  fs.rmSync(dest, { recursive: true, force: true });
  fs.cpSync(site, dest, {
    recursive: true,
    filter: (src) => {
      const name = path.basename(src);
      return !(name === "public" || name.startsWith(".public.ritme-") || name === ".git");
    },
  });
  const config = path.join(dest, "ritme.yaml");
  const text = fs.existsSync(config) ? fs.readFileSync(config, "utf8") : "";
  fs.writeFileSync(config, withPrivacyMode(text, mode));
  const git = (...args) => {
    const r = spawnSync("git", ["-C", dest, ...args], {
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: "a11y",
        GIT_AUTHOR_EMAIL: "a11y@example.invalid",
        GIT_COMMITTER_NAME: "a11y",
        GIT_COMMITTER_EMAIL: "a11y@example.invalid",
        GIT_AUTHOR_DATE: "2026-11-02T09:00:00Z",
        GIT_COMMITTER_DATE: "2026-11-02T09:00:00Z",
      },
      encoding: "utf8",
    });
    if (r.status !== 0) fail(`git ${args.join(" ")} in ${dest}: ${r.stderr}`);
  };
  git("init", "-q");
  git("add", "-A");
  git("commit", "-q", "--no-gpg-sign", "-m", "Playbook as checked");
  return dest;
}

/// `text` (a ritme.yaml) with the top-level `privacy:` block's `mode` set.
export function withPrivacyMode(text, mode) {
  const lines = text.split("\n");
  const start = lines.findIndex((l) => /^privacy:\s*(#.*)?$/.test(l));
  if (start < 0) {
    if (lines.some((l) => /^privacy:/.test(l))) fail("ritme.yaml: write `privacy:` as a block to let the check change its mode");
    return `${text.replace(/\n*$/, "\n")}privacy:\n  mode: ${mode}\n`;
  }
  let end = start + 1;
  while (end < lines.length && (/^\s+\S/.test(lines[end]) || lines[end].trim() === "")) end++;
  const modeLine = lines.slice(start + 1, end).findIndex((l) => /^\s+mode:/.test(l));
  if (modeLine >= 0) lines[start + 1 + modeLine] = lines[start + 1 + modeLine].replace(/mode:.*/, `mode: ${mode}`);
  else lines.splice(start + 1, 0, `  mode: ${mode}`);
  return lines.join("\n");
}

function build(ritme, site, out, env = {}) {
  const r = spawnSync(ritme, ["build", site, "-o", out, "--no-cache", "--force"], {
    env: { ...process.env, ...env },
    encoding: "utf8",
  });
  if (r.error) fail(`could not run ${ritme}: ${r.error.message} (build it with \`cargo build\`, or pass --ritme)`);
  if (r.status !== 0) fail(`ritme build ${site} failed:\n${r.stdout}${r.stderr}`);
  return out;
}

function builds(opts, work) {
  // Folders already built are checked in the same browser session as SITE's
  // builds when both are given (one Chromium start, one Nu checker run).
  const built = opts.built.map((dir) => ({ name: path.basename(dir), dir }));
  if (opts.built.length && !opts.site) return built;
  const site = opts.site || path.join(repo, "content");
  if (!fs.existsSync(opts.ritme)) fail(`no ritme binary at ${opts.ritme} (run \`cargo build\` first, or pass --ritme)`);
  const key = { RITME_PSEUDONYM_KEY: process.env.RITME_PSEUDONYM_KEY || "a11y-check-key" };
  const out = [];
  for (const mode of ["aggregate", "pseudonymous", "named"]) {
    const copy = siteCopy(site, mode, path.join(work, "sites", mode));
    out.push({ name: mode, dir: build(opts.ritme, copy, path.join(work, "out", mode), key) });
  }
  return [...out, ...built];
}

function htmlFiles(dir) {
  const found = [];
  const walk = (d) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const p = path.join(d, entry.name);
      if (entry.isDirectory()) walk(p);
      else if (entry.name.endsWith(".html")) found.push(p);
    }
  };
  walk(dir);
  return found;
}

// ---------------------------------------------------------------- vnu

function runVnu(dirs) {
  const jar = require("vnu-jar");
  return new Promise((resolve) => {
    const child = spawn("java", ["-Xss1m", "-jar", jar, "--format", "json", "--skip-non-html", ...dirs], {
      stdio: ["ignore", "ignore", "pipe"],
    });
    let err = "";
    child.stderr.on("data", (d) => (err += d));
    child.on("error", (e) => fail(`could not run java for the Nu HTML Checker: ${e.message}`));
    child.on("close", () => {
      let messages;
      try {
        messages = JSON.parse(err).messages;
      } catch {
        fail(`the Nu HTML Checker printed no report:\n${err.slice(0, 2000)}`);
      }
      resolve(
        messages
          .filter((m) => m.type === "error" || m.subType === "fatal")
          .map((m) => ({ file: fileURLToPath(m.url), line: m.lastLine, message: m.message, extract: m.extract })),
      );
    });
  });
}

// ---------------------------------------------------------------- browser

// Runs inside the page: what a phone reader would trip over that axe does
// not measure.
function measurePage(minPx) {
  const doc = document.documentElement;
  const overflow = doc.scrollWidth > window.innerWidth ? doc.scrollWidth : 0;
  // The culprits: elements that stick out past the screen while none of
  // their children does.
  const wide = [];
  if (overflow) {
    const sticksOut = (el) => el.getBoundingClientRect().right > window.innerWidth + 0.5 && el.getBoundingClientRect().width > 0;
    for (const el of document.body.querySelectorAll("*")) {
      if (!sticksOut(el) || [...el.children].some(sticksOut)) continue;
      const cls = typeof el.className === "string" && el.className ? "." + el.className.split(" ")[0] : "";
      wide.push(`${el.tagName.toLowerCase()}${cls} "${(el.textContent || "").trim().slice(0, 30)}" (${Math.round(el.getBoundingClientRect().right)} px)`);
      if (wide.length >= 4) break;
    }
  }
  const small = [];
  for (const t of document.querySelectorAll("svg text")) {
    if (!t.getClientRects().length) continue;
    const box = t.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) continue;
    const ctm = t.getScreenCTM();
    if (!ctm) continue;
    const size = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c));
    if (size + 0.01 < minPx) small.push({ text: t.textContent.trim().slice(0, 30), px: Math.round(size * 10) / 10 });
  }
  return { overflow, wide, small };
}

async function checkPages(opts, pages, axeSource, screensDir) {
  const puppeteer = (await import("puppeteer-core")).default;
  const browser = await puppeteer.launch({
    executablePath: opts.chromium,
    headless: true,
    args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--allow-file-access-from-files"],
  });
  const results = [];
  const queue = [];
  for (const width of WIDTHS) for (const p of pages) queue.push({ ...p, width, dark: false });
  if (opts.dark) for (const p of pages) queue.push({ ...p, width: WIDTHS[0], dark: true });
  let next = 0;
  const worker = async () => {
    const tab = await browser.newPage();
    let tabWidth = 0;
    let tabDark = null;
    while (next < queue.length) {
      const job = queue[next++];
      if (job.width !== tabWidth) {
        await tab.setViewport({ width: job.width, height: job.width === PHONE ? 844 : 900 });
        tabWidth = job.width;
      }
      if (job.dark !== tabDark) {
        await tab.emulateMediaFeatures([{ name: "prefers-color-scheme", value: job.dark ? "dark" : "light" }]);
        tabDark = job.dark;
      }
      const result = { build: job.build, route: job.route, width: job.width, dark: job.dark, violations: [], overflow: 0, wide: [], small: [] };
      try {
        await tab.goto(pathToFileURL(job.file).href, { waitUntil: "load" });
        if (job.dark) await tab.evaluate(() => document.documentElement.setAttribute("data-dark-mode", "auto"));
        await tab.evaluate(axeSource);
        const axe = await tab.evaluate(
          (tags, onlyContrast) =>
            window.axe.run(document, onlyContrast ? { runOnly: { type: "rule", values: ["color-contrast"] } } : { runOnly: { type: "tag", values: tags }, resultTypes: ["violations"] }),
          AXE_TAGS,
          job.dark,
        );
        result.violations = axe.violations.map((v) => ({
          id: v.id,
          impact: v.impact,
          help: v.help,
          nodes: v.nodes.map((n) => ({ target: n.target.join(" "), summary: (n.failureSummary || "").split("\n").slice(1, 2).join(" ").trim() })),
        }));
        if (job.width === PHONE && !job.dark) Object.assign(result, await tab.evaluate(measurePage, MIN_CHART_TEXT_PX));
        if (screensDir && screenRoutes(job.build).includes(job.route)) {
          // Slices a viewer can read, rather than one very tall picture.
          const base = `${job.build}-${job.route.replace(/\/index\.html$|\.html$/, "").replace(/\//g, "_") || "home"}-${job.width}${job.dark ? "-dark" : ""}`;
          const height = await tab.evaluate(() => document.documentElement.scrollHeight);
          const slice = job.width === PHONE ? 1100 : 1000;
          for (let i = 0; i < 3 && i * slice < height; i++) {
            await tab.screenshot({
              path: path.join(screensDir, `${base}-${i + 1}.png`),
              clip: { x: 0, y: i * slice, width: job.width, height: Math.min(slice, height - i * slice) },
              captureBeyondViewport: true,
            });
          }
        }
      } catch (e) {
        result.error = String(e && e.message ? e.message : e);
      }
      results.push(result);
    }
    await tab.close();
  };
  await Promise.all(Array.from({ length: opts.jobs }, worker));
  await browser.close();
  return results;
}

// ---------------------------------------------------------------- report

function summarise(buildList, pageResults, vnuErrors, pagesPerBuild) {
  let findings = 0;
  const lines = [];
  for (const b of buildList) {
    const rs = pageResults.filter((r) => r.build === b.name);
    const errs = vnuErrors.filter((e) => e.file.startsWith(b.dir + path.sep));
    const nodes = (w) => rs.filter((r) => r.width === w && !r.dark).reduce((n, r) => n + r.violations.reduce((m, v) => m + v.nodes.length, 0), 0);
    const pagesWith = (w) => rs.filter((r) => r.width === w && !r.dark && r.violations.length).length;
    const overflowing = rs.filter((r) => r.overflow);
    const small = rs.filter((r) => r.small.length);
    const broken = rs.filter((r) => r.error);
    const dark = rs.filter((r) => r.dark);
    const darkNodes = dark.reduce((n, r) => n + r.violations.reduce((m, v) => m + v.nodes.length, 0), 0);
    const total = nodes(1280) + nodes(390) + errs.length + overflowing.length + small.length + broken.length + darkNodes;
    findings += total;
    lines.push(
      `${b.name}: ${pagesPerBuild[b.name]} pages · axe 1280 px: ${nodes(1280)} violations on ${pagesWith(1280)} pages · axe 390 px: ${nodes(390)} on ${pagesWith(390)} pages` +
        (dark.length ? ` · dark: ${darkNodes}` : "") +
        ` · vnu: ${errs.length} errors · wider than 390 px: ${overflowing.length} pages · chart text < ${MIN_CHART_TEXT_PX} px: ${small.length} pages` +
        (broken.length ? ` · not loaded: ${broken.length}` : ""),
    );
  }
  return { findings, lines };
}

function details(pageResults, vnuErrors, buildList) {
  const out = [];
  const rel = (file) => {
    for (const b of buildList) if (file.startsWith(b.dir + path.sep)) return `${b.name}/${path.relative(b.dir, file)}`;
    return file;
  };
  const byRule = new Map();
  for (const r of pageResults) {
    for (const v of r.violations) {
      const key = `${v.id} (${v.impact}): ${v.help}`;
      if (!byRule.has(key)) byRule.set(key, []);
      for (const n of v.nodes) byRule.get(key).push(`${r.build}/${r.route} @${r.width}${r.dark ? " dark" : ""}: ${n.target}${n.summary ? " — " + n.summary : ""}`);
    }
  }
  for (const [rule, where] of byRule) {
    out.push(`axe ${rule} — ${where.length} nodes`);
    for (const w of where.slice(0, 6)) out.push(`    ${w}`);
    if (where.length > 6) out.push(`    … and ${where.length - 6} more`);
  }
  const byMessage = new Map();
  for (const e of vnuErrors) {
    if (!byMessage.has(e.message)) byMessage.set(e.message, []);
    byMessage.get(e.message).push(`${rel(e.file)}:${e.line}`);
  }
  for (const [message, where] of byMessage) {
    out.push(`vnu: ${message} — ${where.length}×`);
    for (const w of where.slice(0, 4)) out.push(`    ${w}`);
    if (where.length > 4) out.push(`    … and ${where.length - 4} more`);
  }
  for (const r of pageResults.filter((r) => r.overflow)) out.push(`wider than ${PHONE} px: ${r.build}/${r.route} (${r.overflow} px): ${r.wide.join(", ")}`);
  for (const r of pageResults.filter((r) => r.small.length)) {
    out.push(`chart text below ${MIN_CHART_TEXT_PX} px: ${r.build}/${r.route}: ${r.small.length} labels, e.g. ${r.small.slice(0, 3).map((s) => `"${s.text}" ${s.px} px`).join(", ")}`);
  }
  for (const r of pageResults.filter((r) => r.error)) out.push(`could not check ${r.build}/${r.route} @${r.width}: ${r.error}`);
  return out;
}

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const started = Date.now();
  const work = opts.work || fs.mkdtempSync(path.join(os.tmpdir(), "ritme-a11y-"));
  fs.mkdirSync(work, { recursive: true });
  const buildList = builds(opts, work);
  const pages = [];
  const pagesPerBuild = {};
  for (const b of buildList) {
    const files = htmlFiles(b.dir);
    pagesPerBuild[b.name] = files.length;
    for (const file of files) pages.push({ build: b.name, file, route: path.relative(b.dir, file).split(path.sep).join("/") });
  }
  if (!pages.length) fail("no HTML pages to check");
  for (const p of pages) {
    if (/^reports\/\d{4}-\d{2}\/index\.html$/.test(p.route) && !(latestReport[p.build] > p.route)) latestReport[p.build] = p.route;
  }
  const screensDir = opts.screens ? path.join(work, "screens") : null;
  if (screensDir) fs.mkdirSync(screensDir, { recursive: true });
  const axeSource = fs.readFileSync(require.resolve("axe-core/axe.min.js"), "utf8");
  const [vnuErrors, pageResults] = await Promise.all([runVnu(buildList.map((b) => b.dir)), checkPages(opts, pages, axeSource, screensDir)]);
  pageResults.sort((a, b) => (a.build + a.route + a.width < b.build + b.route + b.width ? -1 : 1));
  const { findings, lines } = summarise(buildList, pageResults, vnuErrors, pagesPerBuild);
  const report = details(pageResults, vnuErrors, buildList);
  fs.writeFileSync(path.join(work, "report.json"), JSON.stringify({ pages: pageResults, vnu: vnuErrors }, null, 1));
  if (report.length) console.log(report.join("\n") + "\n");
  console.log(lines.join("\n"));
  console.log(`${findings ? findings + " findings" : "no findings"} in ${((Date.now() - started) / 1000).toFixed(0)} s (report: ${path.join(work, "report.json")}${screensDir ? ", screenshots: " + screensDir : ""})`);
  process.exit(findings ? 1 : 0);
}

main().catch((e) => fail(e && e.stack ? e.stack : String(e)));
