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
const spread = (xs) => `median ${median(xs).toFixed(0)} ms (min ${Math.min(...xs).toFixed(0)}, max ${Math.max(...xs).toFixed(0)}, ${xs.length} runs)`;
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
  let sent = null;
  for (let i = 0; i < LOADS; i++) {
    await page.goto(`${base}/`);
    colds.push(await painted());
    // What the first load downloaded to show the list (index.html, wasm, js, css as sent: the
    // browser's encoded body sizes), and once it has been idle for a second.
    if (i === 0) {
      const listSent = () => page.evaluate(() => {
        const files = [performance.getEntriesByType('navigation')[0],
          ...performance.getEntriesByType('resource').filter((e) => /\.(wasm|js|css|bin)$/.test(new URL(e.name).pathname))];
        return files.reduce((sum, e) => sum + e.encodedBodySize, 0);
      });
      const shown = await listSent();
      await page.waitForTimeout(1000);
      sent = { shown, idle: await listSent() };
    }
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
  const bundle = files.filter((f, i) => files.findIndex((g) => g.path === f.path) === i);
  console.log(`\nCharger list with ${ids.length} chargers (${LOADS} runs)`);
  console.log(`  data received → list painted:         ${spread(renders)}   target ≤ 100 ms`);
  console.log(`  click "Your chargers" → list painted: ${spread(navigations)}   (includes GET /api/chargers)`);
  console.log(`  cold page load → list painted:        ${spread(colds)}`);
  console.log(`  car plugged in → card shows it:       ${spread(pushes)}   target ≤ 1000 ms (server push)`);
  console.log(`  list download, index.html + wasm + js + css as sent: ${kb(sent.shown)} when shown, ${kb(sent.idle)} a second later   target ≤ 310 KB`);
  console.log(`  app bundle (wasm + js + css): ${kb(bundle.reduce((sum, f) => sum + f.gzip, 0))} gzip -9`);
}

/** A fresh browser context logged in as the demo account, and a page in it. */
async function demoPage(browser) {
  const context = await browser.newContext({ baseURL: base, viewport: { width: 1280, height: 900 } });
  await context.request.post('/api/auth/login', { data: { email: 'demo@charge-portal.local', password: 'demo charge portal' } });
  return { context, page: await context.newPage() };
}

/**
 * The time from a click on `link` to `done`: a performance mark's name, or `{ heading,
 * selector }`, the opened page's `<h1>` text and an element it then shows (to the next frame).
 *
 * `mouse`: the click of a person with a mouse: the pointer moves onto the link, presses it and
 * lets go 100 ms later (a click's usual length), timed from the release. Otherwise a script's
 * `link.click()`, with no pointer over the link and nothing pressed before it.
 */
async function timeClick(page, link, done, mouse) {
  await page.evaluate((done) => {
    window.benchOpened = new Promise((resolve) => {
      window.addEventListener('click', (event) => {
        const start = event.timeStamp;
        if (typeof done === 'string') {
          new PerformanceObserver((list, observer) => {
            const mark = list.getEntriesByName(done)[0];
            if (!mark) return;
            observer.disconnect();
            resolve(mark.startTime - start);
          }).observe({ entryTypes: ['mark'] });
          return;
        }
        const check = () => document.querySelector('main h1')?.textContent.trim() === done.heading
          && document.querySelector(done.selector);
        const poll = () => (check() ? requestAnimationFrame(() => resolve(performance.now() - start)) : requestAnimationFrame(poll));
        poll();
      }, { capture: true, once: true });
    });
  }, done);
  if (mouse) {
    const box = await link.boundingBox();
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.waitForTimeout(100);
    await page.mouse.up();
  } else {
    await link.evaluate((a) => a.click());
  }
  return page.evaluate(() => window.benchOpened);
}

/**
 * A charger's page from the demo account's charger list (settled for 1.5 s): from the click
 * on a charger's name to the frame that shows the page's heading and its current slider. First
 * time: a fresh browser context each time, so the page's code is downloaded (its split module);
 * again: back to the list and a second click; returning: the list loaded anew in the same
 * browser (the page's code in its HTTP cache, not yet in the app). By script and by mouse (see
 * `timeClick`).
 */
async function chargerPage(browser) {
  const shown = { heading: 'Home', selector: 'main input[type=range]' };
  const times = { script: [[], [], []], mouse: [[], [], []] };
  for (const how of ['script', 'mouse']) {
    for (let i = 0; i < 5; i++) {
      const { context, page } = await demoPage(browser);
      await page.goto(`${base}/`);
      for (const round of [0, 1, 2]) {
        // Again: back to the list in the app (its breadcrumb), not by loading it anew.
        if (round === 1) await page.locator('.breadcrumbs a').first().click();
        if (round === 2) await page.goto(`${base}/`);
        await page.locator('.charger-card').first().waitFor();
        await page.waitForTimeout(1500);
        const link = page.locator('.charger-card h2 a', { hasText: 'Home' });
        times[how][round].push(await timeClick(page, link, shown, how === 'mouse'));
      }
      await context.close();
    }
  }
  console.log('\nCharger page, demo account ("Home")');
  for (const how of ['script', 'mouse']) {
    console.log(`  ${how === 'mouse' ? 'mouse click' : 'link.click()'} on a charger → its page drawn, first time: ${spread(times[how][0])}`);
    console.log(`  ${how === 'mouse' ? 'mouse click' : 'link.click()'} on a charger → its page drawn, again:      ${spread(times[how][1])}`);
    console.log(`  ${how === 'mouse' ? 'mouse click' : 'link.click()'} on a charger → its page drawn, returning:  ${spread(times[how][2])}`);
  }
}

/**
 * The statistics page of the demo account (3 chargers, 18 months): from the click on
 * "Statistics" in the charger list (settled for 1.5 s, as a person would see it first) to the
 * first frame ECharts draws (the portal's performance mark). Cold: a fresh browser context
 * each time, so ECharts is downloaded and compiled; warm: ECharts in the cache. By script and
 * by mouse (see `timeClick`).
 */
async function statisticsChart(browser) {
  let echartsOnList = false;
  const clickToChart = async (page, files, mouse) => {
    await page.goto(`${base}/`);
    await page.locator('.charger-card').first().waitFor();
    await page.waitForTimeout(1500);
    echartsOnList ||= files.some((f) => f.path.includes('echarts'));
    const link = page.locator('.main-nav a[href="/statistics"]');
    return timeClick(page, link, 'statistics-chart-drawn', mouse);
  };
  const times = { script: { cold: [], warm: [] }, mouse: { cold: [], warm: [] } };
  let charts = 0;
  for (const how of ['script', 'mouse']) {
    const mouse = how === 'mouse';
    for (let i = 0; i < 5; i++) {
      const { context, page } = await demoPage(browser);
      const files = bundleFiles(page);
      times[how].cold.push(await clickToChart(page, files, mouse));
      if (i === 0 && !mouse) {
        await page.waitForTimeout(300); // the response bodies are read asynchronously
        charts = files.filter((f) => f.path.includes('echarts')).reduce((sum, f) => sum + f.gzip, 0);
      }
      if (i === 4) {
        for (let j = 0; j < LOADS; j++) times[how].warm.push(await clickToChart(page, [], mouse));
      }
      await context.close();
    }
  }
  console.log('\nStatistics page, demo account (3 chargers, 18 months, this month by day)');
  for (const how of ['script', 'mouse']) {
    const click = how === 'mouse' ? 'mouse click on' : 'link.click() of';
    console.log(`  ${click} "Statistics" → first chart drawn, ECharts not yet loaded: ${spread(times[how].cold)}   target ≤ 300 ms`);
    console.log(`  ${click} "Statistics" → first chart drawn, ECharts cached:         ${spread(times[how].warm)}   target ≤ 300 ms`);
  }
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
      `(everything: ${kb(total(files))} gzip -9)   target ≤ 120 KB as sent`);

    const { paints, frames } = await firstRender(browser, `${base}/login`, 'form button[type=submit]');
    console.log(`\nLogin page first render (first-contentful-paint) over ${LOADS} cold loads: ${spread(paints)}   target ≤ 250 ms`);
    console.log(`  the frame that renders the form starts at: ${spread(frames)}`);
  }
  if (runs('list')) await chargerList(browser);
  if (runs('charger')) await chargerPage(browser);
  if (runs('statistics')) await statisticsChart(browser);
  await browser.close();
  if (runs('lighthouse')) {
    await lighthouseScores({ base, args: CHROMIUM_ARGS, executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium' });
  }
} finally {
  child.kill();
}
