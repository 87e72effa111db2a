// Lighthouse (desktop) scores of the portal's main pages, for `./tasks.sh bench lighthouse`.
// Lighthouse drives its own tab over the DevTools protocol in a Chromium that Playwright
// started and logged in (the demo account), so the logged-in pages are measured as a user
// sees them. Figures, not pass/fail: the targets are printed beside them.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import lighthouse from 'lighthouse';
import desktop from 'lighthouse/core/config/desktop-config.js';
import { chromium } from 'playwright';

const CATEGORIES = ['performance', 'accessibility', 'best-practices'];
const TARGETS = { performance: 95, accessibility: 100, 'best-practices': 100 };

export async function lighthouseScores({ base, args, executablePath, port = 9333 }) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'charge-portal-lighthouse-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath, args: [...args, `--remote-debugging-port=${port}`], viewport: { width: 1350, height: 940 },
  });
  const run = async (url) => {
    const { lhr } = await lighthouse(url, { port, output: 'json', logLevel: 'error', onlyCategories: CATEGORIES }, desktop);
    return lhr;
  };
  const rows = [];
  const measure = async (name, url) => {
    const lhr = await run(`${base}${url}`);
    const scores = Object.fromEntries(CATEGORIES.map((c) => [c, Math.round((lhr.categories[c]?.score ?? 0) * 100)]));
    const audits = lhr.audits;
    const failing = CATEGORIES.flatMap((c) => lhr.categories[c].auditRefs
      .filter((ref) => ref.weight > 0 && audits[ref.id]?.score !== null && audits[ref.id]?.score < 1 && c !== 'performance')
      .map((ref) => ref.id));
    rows.push({ name, url, scores, fcp: audits['first-contentful-paint']?.numericValue,
      lcp: audits['largest-contentful-paint']?.numericValue, cls: audits['cumulative-layout-shift']?.numericValue,
      tbt: audits['total-blocking-time']?.numericValue, failing });
  };
  try {
    await measure('login', '/login');
    await context.request.post(`${base}/api/auth/login`, { data: { email: 'demo@charge-portal.local', password: 'demo charge portal' } });
    const chargers = await (await context.request.get(`${base}/api/chargers`)).json();
    await measure('charger list', '/');
    await measure('charger page', `/chargers/${chargers[0].id}`);
    await measure('statistics', '/statistics');
    await measure('history', '/history');
  } finally {
    await context.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('\nLighthouse 12 (desktop preset, simulated throttling), demo account');
  console.log(`  ${'page'.padEnd(14)} perf  a11y  best   FCP ms  LCP ms   TBT ms  CLS     failing audits (not performance)`);
  for (const r of rows) {
    const s = r.scores;
    console.log(`  ${r.name.padEnd(14)} ${String(s.performance).padStart(4)}  ${String(s.accessibility).padStart(4)}  ${String(s['best-practices']).padStart(4)}` +
      `   ${r.fcp.toFixed(0).padStart(6)}  ${r.lcp.toFixed(0).padStart(6)}   ${r.tbt.toFixed(0).padStart(6)}  ${r.cls.toFixed(3)}   ${r.failing.join(', ') || '-'}`);
  }
  console.log(`  targets: performance ≥ ${TARGETS.performance}, accessibility ${TARGETS.accessibility}, best practices ${TARGETS['best-practices']}; CLS < 0.02 on statistics`);
}
