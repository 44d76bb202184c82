#!/usr/bin/env node
// Drives built ritme pages in headless Chromium the way a reader would, with
// real key presses (Chrome DevTools Protocol input events, not synthetic DOM
// events), and prints what it saw as one JSON object. tests/browser.rs runs
// it and asserts on the result.
//
// Usage:
//   node tools/a11y/interact.mjs menu PAGE.html
//       at 390 px: Tab to the menu button, Enter, Space, Enter, Escape;
//       and the same page with JavaScript off
//   node tools/a11y/interact.mjs search PAGE.html QUERY
//       types QUERY in the search box and reports the results' snippets
//   node tools/a11y/interact.mjs charts PAGE.html…
//       at 390 px: the smallest chart text on screen, whether a chart box
//       scrolls sideways, and the figures cut over two lines, per page
// Options: --chromium BIN (default $CHROMIUM or /usr/bin/chromium)
//          --width PX (charts: the screen width, default 390)

import { pathToFileURL } from "node:url";
import path from "node:path";

const args = process.argv.slice(2);
let chromium = process.env.CHROMIUM || "/usr/bin/chromium";
const at = args.indexOf("--chromium");
if (at >= 0) chromium = args.splice(at, 2)[1];
let width = 390;
const wat = args.indexOf("--width");
if (wat >= 0) width = parseInt(args.splice(wat, 2)[1], 10);
const [mode, ...rest] = args;
const url = (file) => pathToFileURL(path.resolve(file)).href;

const puppeteer = (await import("puppeteer-core")).default;
const browser = await puppeteer.launch({
  executablePath: chromium,
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--allow-file-access-from-files"],
});

async function menu(file) {
  const page = await browser.newPage();
  await page.setViewport({ width: 390, height: 844 });
  await page.goto(url(file), { waitUntil: "load" });
  const state = () =>
    page.evaluate(() => {
      const b = document.querySelector(".menu-button");
      const nav = document.getElementById(b.getAttribute("aria-controls"));
      return {
        focused: document.activeElement === b,
        tag: b.tagName.toLowerCase(),
        role: b.getAttribute("role") || b.tagName.toLowerCase(),
        expanded: b.getAttribute("aria-expanded"),
        controls: nav ? nav.id : null,
        nav_visible: !!nav && nav.getClientRects().length > 0 && getComputedStyle(nav).display !== "none",
      };
    });
  const steps = [];
  steps.push({ key: "load", ...(await state()) });
  let tabs = 0;
  while (tabs < 12 && !(await state()).focused) {
    await page.keyboard.press("Tab");
    tabs++;
  }
  steps.push({ key: `Tab×${tabs}`, ...(await state()) });
  for (const key of ["Enter", "Space", "Enter"]) {
    await page.keyboard.press(key === "Space" ? " " : key);
    steps.push({ key, ...(await state()) });
  }
  // Into the menu, then Escape: closed, and focus back on the button.
  await page.keyboard.press("Tab");
  const inMenu = await page.evaluate(() => !!document.activeElement.closest("nav.sidebar"));
  await page.keyboard.press("Escape");
  steps.push({ key: "Tab, Escape", in_menu_before: inMenu, ...(await state()) });
  await page.close();

  const off = await browser.newPage();
  await off.setJavaScriptEnabled(false);
  await off.setViewport({ width: 390, height: 844 });
  await off.goto(url(file), { waitUntil: "load" });
  const noScript = await off.evaluate(() => {
    const nav = document.querySelector("nav.sidebar");
    const b = document.querySelector(".menu-button");
    return {
      nav_visible: nav.getClientRects().length > 0 && getComputedStyle(nav).display !== "none",
      links: [...nav.querySelectorAll("a")].filter((a) => a.getClientRects().length > 0).length,
      button_visible: b.getClientRects().length > 0,
    };
  });
  await off.close();
  return { steps, no_script: noScript };
}

async function search(file, query) {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(url(file), { waitUntil: "load" });
  await page.focus(".search-input");
  await page.keyboard.type(query, { delay: 20 });
  // The snippets may come from a part of the index loaded after the results.
  await new Promise((r) => setTimeout(r, 1200));
  const results = await page.evaluate(() =>
    [...document.querySelectorAll(".search-results li[data-href]")].map((li) => {
      const s = li.querySelector(".search-snippet");
      return {
        title: li.querySelector("strong").textContent,
        href: li.getAttribute("data-href"),
        snippet: s ? s.textContent : "",
        marks: s ? [...s.querySelectorAll("mark")].map((m) => m.textContent) : [],
      };
    }),
  );
  await page.close();
  return { results };
}

async function charts(files) {
  const page = await browser.newPage();
  await page.setViewport({ width, height: 844 });
  const pages = [];
  for (const file of files) {
    await page.goto(url(file), { waitUntil: "load" });
    pages.push({
      file: path.basename(path.dirname(file)) + "/" + path.basename(file),
      ...(await page.evaluate(() => {
        const figures = [...document.querySelectorAll("figure.chart")];
        let min = Infinity;
        let texts = 0;
        let smallest = "";
        for (const t of document.querySelectorAll("figure.chart svg text")) {
          if (!t.getClientRects().length || !t.textContent.trim()) continue;
          const ctm = t.getScreenCTM();
          if (!ctm) continue;
          const px = parseFloat(getComputedStyle(t).fontSize) * Math.sqrt(Math.abs(ctm.a * ctm.d - ctm.b * ctm.c));
          texts++;
          if (px < min) { min = px; smallest = t.textContent.trim().slice(0, 30); }
        }
        const boxes = figures.map((f) => f.querySelector(".chart-scroll") || f);
        // Level badges and goal marks must stay inside the card or cell that holds them.
        const labels_outside = [...document.querySelectorAll(".level-label, .goal-mark")]
          .filter((b) => b.getClientRects().length)
          .filter((b) => {
            const holder = b.closest(".facts > div, .card, td, th, li") || b.parentElement;
            const r = b.getBoundingClientRect();
            const o = holder.getBoundingClientRect();
            return r.right > o.right + 0.5 || r.left < o.left - 0.5;
          })
          .map((b) => b.textContent.trim());
        // A figure cut over two lines ("10" above "0%") reads as two numbers.
        // Lines of an element's text: its pieces' boxes, grouped where they
        // overlap (a raised footnote mark stays on its line).
        const lines = (el) => {
          const range = document.createRange();
          range.selectNodeContents(el);
          const rects = [...range.getClientRects()].filter((r) => r.width > 0).sort((a, b) => a.top - b.top);
          let n = 0;
          let bottom = -Infinity;
          for (const r of rects) {
            if (r.top >= bottom - 1) n++;
            bottom = r.top >= bottom - 1 ? r.bottom : Math.max(bottom, r.bottom);
          }
          return n;
        };
        const broken_figures = [...document.querySelectorAll(".rate, td.num")]
          .filter((e) => e.getClientRects().length && e.textContent.trim() && lines(e) > 1)
          .map((e) => e.textContent.trim());
        return {
          charts: figures.length,
          visible_svgs: figures.map((f) => [...f.querySelectorAll("svg")].filter((s) => s.getClientRects().length).length),
          texts,
          min_text_px: texts ? Math.round(min * 100) / 100 : null,
          smallest,
          scrolling: boxes.filter((b) => b.scrollWidth > b.clientWidth + 1).length,
          page_wider: document.documentElement.scrollWidth > window.innerWidth,
          labels_outside,
          broken_figures,
        };
      })),
    });
  }
  await page.close();
  return { pages };
}

let out;
try {
  if (mode === "menu") out = await menu(rest[0]);
  else if (mode === "search") out = await search(rest[0], rest[1]);
  else if (mode === "charts") out = await charts(rest);
  else throw new Error(`unknown mode ${mode} (menu, search or charts)`);
} finally {
  await browser.close();
}
console.log(JSON.stringify(out));
