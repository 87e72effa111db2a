// Prints Charge Portal's performance figures. Run through `./tasks.sh bench`, which builds the
// release portal and server first. Figures, not pass/fail: targets are in the README.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { chromium } from 'playwright';
import { lighthouseScores } from './lighthouse.mjs';

const server = process.env.E2E_SERVER;
const dist = process.env.DIST;
const port = Number(process.env.BENCH_PORT ?? 8282);
const base = `http://127.0.0.1:${port}`;
const LOADS = 7;
// Sections to run (`node bench/run.mjs statistics`); all of them when none is named.
const SECTIONS = process.argv.slice(2);
const runs = (section) => SECTIONS.length === 0 || SECTIONS.includes(section);
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--no-first-run'];

const median = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

async function startServer() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charge-portal-bench-'));
  const child = spawn(server, ['--addr', `127.0.0.1:${port}`, '--database', path.join(dir, 'bench.sqlite'), '--dist', dist, '--sim-random-events', 'false', '--demo-account', 'true', '--registrations-per-hour', '100000', '--email-links-per-hour', '100000'],
    { stdio: ['ignore', 'ignore', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } });
  for (let i = 0; i < 100; i++) {
    try { if ((await fetch(`${base}/api/auth/session`)).ok) return child; } catch {}
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill();
  throw new Error('the mock server did not start');
}

/** Everything the login page downloads, with its gzip -9 size. */
async function loginPageWeight(browser) {
  const page = await browser.newPage();
  const files = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== base) return;
    try {
      const body = await response.body();
      const sent = Number((await response.headerValue('content-length')) ?? body.length);
      const encoding = (await response.headerValue('content-encoding')) ?? 'none';
      files.push({ path: url.pathname, raw: body.length, gzip: zlib.gzipSync(body, { level: 9 }).length, sent, encoding });
    } catch {}
  });
  await page.goto(`${base}/login`);
  await page.getByRole('button', { name: 'Log in' }).waitFor();
  await page.waitForLoadState('networkidle');
  await page.close();
  return files;
}

/**
 * Time from navigation start to the login form on screen, over fresh browser contexts, as
 * the browser reports it: first-contentful-paint (nothing is painted before the form, the
 * page is empty until the wasm mounts it). A MutationObserver installed before any script
 * checks that the form was there at that paint and notes the frame it was rendered in.
 * Playwright stays out of the page until it has settled: polling for the element (as this
 * bench first did) adds its own detection delay, and its injected script competes with the
 * page's first frame.
 */
async function firstRender(browser, url, ready) {
  const paints = [];
  const frames = [];
  for (let i = 0; i < LOADS; i++) {
    const context = await browser.newContext();
    await context.addInitScript((selector) => {
      new MutationObserver((_, observer) => {
        if (!document.querySelector(selector)) return;
        observer.disconnect();
        requestAnimationFrame(() => { window.__formFrame = performance.now(); });
      }).observe(document, { childList: true, subtree: true });
    }, ready);
    const page = await context.newPage();
    await page.goto(url);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    await page.waitForFunction(() => window.__formFrame !== undefined
      && performance.getEntriesByName('first-contentful-paint').length > 0);
    const { paint, frame } = await page.evaluate(() => ({
      paint: performance.getEntriesByName('first-contentful-paint')[0].startTime,
      frame: window.__formFrame,
    }));
    if (frame > paint) throw new Error(`the first paint (${paint} ms) came before the form (${frame} ms)`);
    paints.push(paint);
    frames.push(frame);
    await context.close();
  }
  return { paints, frames };
}

/** A confirmed, logged-in user in a fresh browser context, owning `count` chargers. */
async function userWithChargers(browser, count) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  const api = context.request;
  const email = `bench-${Date.now()}@example.com`;
  const password = 'correct horse battery';
  await api.post('/api/auth/register', { data: { email, password } });
  const mails = await (await api.get(`/api/dev/outbox?to=${encodeURIComponent(email)}`)).json();
  await api.post('/api/auth/confirm', { data: { token: new URL(mails[0].link).searchParams.get('token') } });
  await api.post('/api/auth/login', { data: { email, password } });
  const ids = [];
  while (ids.length < count) {
    const unpaired = await (await api.get('/api/dev/chargers/unpaired')).json();
    for (const charger of unpaired.slice(0, count - ids.length)) {
      const paired = await api.post('/api/chargers', { data: { id: charger.id, name: `Charger ${ids.length + 1}` } });
      if (paired.status() === 201) ids.push(charger.id);
    }
  }
  // Half of them charging, so that the list is live.
  for (const id of ids.filter((_, i) => i % 2 === 0)) {
    await api.post(`/api/dev/chargers/${id}/car`, { data: { plugged: true } });
  }
  return { context, ids };
}

/** The wasm, js and css files `page` downloads from the portal, with their gzip -9 sizes (filled as they come). */
function bundleFiles(page) {
  const files = [];
  page.on('response', async (response) => {
    const url = new URL(response.url());
    if (url.origin !== base || !/\.(wasm|js|css)$/.test(url.pathname)) return;
    try { files.push({ path: url.pathname, gzip: zlib.gzipSync(await response.body(), { level: 9 }).length }); } catch {}
  });
  return files;
}

/** The 50-charger list: data → painted (in-app marks), navigation → painted, cold load → painted. */
async function chargerList(browser) {
  const COUNT = 50;
  const { context, ids } = await userWithChargers(browser, COUNT);
  const page = await context.newPage();
  const files = bundleFiles(page);
  const painted = () => page.evaluate((count) => new Promise((resolve) => {
    const check = () => {
      if (document.querySelectorAll('.charger-card').length >= count) {
        requestAnimationFrame(() => requestAnimationFrame(() => resolve(performance.now())));
      } else {
        requestAnimationFrame(check);
      }
    };
    check();
  }), COUNT);
  const renders = [];
  const navigations = [];
  const colds = [];
  for (let i = 0; i < LOADS; i++) {
    await page.goto(`${base}/`);
    colds.push(await painted());
    renders.push(await page.evaluate(() => {
      const data = performance.getEntriesByName('chargers-list:data').at(-1);
      const shown = performance.getEntriesByName('chargers-list:painted').at(-1);
      return shown.startTime - data.startTime;
    }));
    // In-app navigation: from a charger's page back to the list (fetch + render).
    await page.getByRole('link', { name: 'Charger 1', exact: true }).click();
    await page.getByRole('heading', { level: 1, name: 'Charger 1' }).waitFor();
    const start = await page.evaluate(() => {
      const t = performance.now();
      document.querySelector('.breadcrumbs a').click();
      return t;
    });
    navigations.push((await painted()) - start);
  }
  // A change in the simulator reaching the page: plug a car in, wait for the card to say so.
  await page.goto(`${base}/`);
  await painted();
  const pushes = [];
  for (const [n, id] of ids.filter((_, i) => i % 2 === 1).slice(0, LOADS).entries()) {
    const name = `Charger ${2 * n + 2}`;
    const start = Date.now();
    await context.request.post(`/api/dev/chargers/${id}/car`, { data: { plugged: true } });
    await page.waitForFunction((name) => [...document.querySelectorAll('.charger-card')]
      .some((card) => card.querySelector('h2').textContent === name && card.textContent.includes('Charging')),
    name, { polling: 'raf' });
    pushes.push(Date.now() - start);
  }
  await context.close();
  const stats = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
  const bundle = files.filter((f, i) => files.findIndex((g) => g.path === f.path) === i);
  console.log(`\nCharger list with ${ids.length} chargers (${LOADS} runs)`);
  console.log(`  data received → list painted:         ${stats(renders)}   target ≤ 100 ms`);
  console.log(`  click "Your chargers" → list painted: ${stats(navigations)}   (includes GET /api/chargers)`);
  console.log(`  cold page load → list painted:        ${stats(colds)}`);
  console.log(`  car plugged in → card shows it:       ${stats(pushes)}   target ≤ 1000 ms (server push)`);
  console.log(`  app bundle (wasm + js + css): ${kb(bundle.reduce((sum, f) => sum + f.gzip, 0))} gzip -9`);
}

/**
 * The statistics page of the demo account (3 chargers, 18 months): from the click on
 * "Statistics" in the charger list (settled for 1.5 s, as a person would see it first) to the
 * first frame ECharts draws (the portal's performance mark). Cold: a fresh browser context
 * each time, so ECharts is downloaded and compiled; warm: ECharts in the cache.
 */
async function statisticsChart(browser) {
  let echartsOnList = false;
  const clickToChart = async (page, files) => {
    await page.goto(`${base}/`);
    await page.locator('.charger-card').first().waitFor();
    await page.waitForTimeout(1500);
    echartsOnList ||= files.some((f) => f.path.includes('echarts'));
    return page.evaluate(() => new Promise((resolve) => {
      const link = [...document.querySelectorAll('.main-nav a')].find((a) => a.getAttribute('href') === '/statistics');
      const start = performance.now();
      new PerformanceObserver((list, observer) => {
        const drawn = list.getEntriesByName('statistics-chart-drawn')[0];
        if (!drawn) return;
        observer.disconnect();
        resolve(drawn.startTime - start);
      }).observe({ entryTypes: ['mark'] });
      link.click();
    }));
  };
  const cold = [];
  const warm = [];
  let charts = 0;
  for (let i = 0; i < 5; i++) {
    const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
    await context.request.post('/api/auth/login', { data: { email: 'demo@charge-portal.local', password: 'demo charge portal' } });
    const page = await context.newPage();
    const files = bundleFiles(page);
    cold.push(await clickToChart(page, files));
    if (i === 0) {
      await page.waitForTimeout(300); // the response bodies are read asynchronously
      charts = files.filter((f) => f.path.includes('echarts')).reduce((sum, f) => sum + f.gzip, 0);
    }
    if (i === 4) {
      for (let j = 0; j < LOADS; j++) warm.push(await clickToChart(page, []));
    }
    await context.close();
  }
  const stats = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, ${xs.length} runs)`;
  console.log('\nStatistics page, demo account (3 chargers, 18 months, this month by day)');
  console.log(`  click "Statistics" → first chart drawn, ECharts not yet loaded: ${stats(cold)}   target ≤ 300 ms`);
  console.log(`  click "Statistics" → first chart drawn, ECharts cached:         ${stats(warm)}   target ≤ 300 ms`);
  console.log(`  ECharts, downloaded when the page opens: ${kb(charts)} gzip -9; ` +
    `requested by the charger list before: ${echartsOnList ? 'YES (wrong)' : 'no'}`);
}

const child = await startServer();
try {
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', args: CHROMIUM_ARGS });
  if (runs('login')) {
    const files = await loginPageWeight(browser);
    console.log('\nLogin page: what it downloads (gzip -9)');
    for (const f of files.sort((a, b) => b.gzip - a.gzip)) {
      console.log(`  ${f.path.padEnd(48)} ${kb(f.raw).padStart(10)} raw ${kb(f.gzip).padStart(10)} gzip -9 ${kb(f.sent).padStart(10)} sent (${f.encoding})`);
    }
    const assets = files.filter((f) => /\.(wasm|js|css)$/.test(f.path));
    const total = (list) => list.reduce((sum, f) => sum + f.gzip, 0);
    const sent = (list) => list.reduce((sum, f) => sum + f.sent, 0);
    console.log(`  wasm + js + css: ${kb(total(assets))} gzip -9, ${kb(sent(assets))} as sent   ` +
      `(everything: ${kb(total(files))} gzip -9)   target ≤ 120 KB gzip`);

    const { paints, frames } = await firstRender(browser, `${base}/login`, 'form button[type=submit]');
    const spread = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)})`;
    console.log(`\nLogin page first render (first-contentful-paint) over ${LOADS} cold loads: ${spread(paints)}   target ≤ 250 ms`);
    console.log(`  the frame that renders the form starts at: ${spread(frames)}`);
  }
  if (runs('list')) await chargerList(browser);
  if (runs('statistics')) await statisticsChart(browser);
  await browser.close();
  if (runs('lighthouse')) {
    await lighthouseScores({ base, args: CHROMIUM_ARGS, executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  }
} finally {
  child.kill();
}
