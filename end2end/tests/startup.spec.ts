import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';

// How the app starts: the requests every start makes begin in index.html while the wasm
// downloads (the app takes their answers instead of asking again), and the files it loads by
// path have content-hashed names that browsers keep for a year.
test.describe('Start-up', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('startup');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    await pairThroughApi(page.request, 'trydan', 'Garage');
  });

  test('the charger list asks for the configuration, the session, the list and the invitations once', async ({ page }) => {
    const requests: string[] = [];
    page.on('request', (request) => requests.push(new URL(request.url()).pathname));
    await page.goto('/');
    await appReady(page);
    await expect(page.getByRole('link', { name: 'Garage' })).toBeVisible();

    for (const path of ['/config.json', '/api/auth/session', '/api/chargers', '/api/invitations']) {
      expect(requests.filter((p) => p === path), path).toHaveLength(1);
    }
    // Each was started by index.html's boot script and taken by the app.
    expect(await page.evaluate(() => Object.keys((window as any).cpBoot.requests))).toEqual([]);
  });

  test('covers and the chart library have hashed names, cached for a year', async ({ page }) => {
    const cached = new Map<string, string>();
    page.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      if (path.startsWith('/covers/') || path.startsWith('/vendor/')) {
        cached.set(path, (await response.allHeaders())['cache-control']);
      }
    });
    await page.goto('/');
    await appReady(page);
    const cover = page.locator('.charger-card img.cover');
    await expect(cover).toHaveAttribute('src', /^\/covers\/[a-z]+-[0-9a-f]{16}\.svg$/);
    await expect.poll(() => cover.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth > 0)).toBe(true);

    await page.getByRole('link', { name: 'Statistics' }).first().click();
    await expect.poll(() => page.evaluate(() => 'echarts' in window)).toBe(true);

    const paths = [...cached.keys()];
    expect(paths.some((p) => /^\/covers\/[a-z]+-[0-9a-f]{16}\.svg$/.test(p)), paths.join()).toBe(true);
    expect(paths.some((p) => /^\/vendor\/echarts-[0-9a-f]{16}\.js$/.test(p)), paths.join()).toBe(true);
    for (const [path, value] of cached) expect(value, path).toBe('public, max-age=31536000, immutable');
  });

  // The app's wasm is cut into a main module (the list) and one module per page group
  // (tools/split-wasm.mjs): the list loads none of the others, a page's own arrive when it opens.
  test('the charger list loads only the main module; a charger page its own, also on a direct load', async ({ page }) => {
    const wasm: string[] = [];
    page.on('request', (request) => {
      const path = new URL(request.url()).pathname;
      if (path.endsWith('.wasm')) wasm.push(path);
    });
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Garage' })).toBeVisible();
    expect(wasm).toEqual([expect.stringMatching(/^\/charge-portal-[0-9a-f]{16}_bg\.wasm$/)]);

    await page.getByRole('link', { name: 'Garage' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();
    expect(wasm.some((p) => /^\/split_charger_pages-[0-9a-f]{16}\.wasm$/.test(p)), wasm.join()).toBe(true);
    expect(wasm.some((p) => p.includes('statistics_pages')), wasm.join()).toBe(false);

    // A direct load of the page: its modules are preloaded by index.html beside the main one.
    wasm.length = 0;
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();
    expect(wasm.some((p) => p.includes('split_charger_pages')), wasm.join()).toBe(true);
  });

  // A returning user: the modules this browser downloaded before are in its HTTP cache, and the
  // app instantiates them while idle, so a page opens at once even when nothing pointed at its
  // link first (a script's click, here); modules never downloaded stay where they are.
  test('modules downloaded before are ready again without a byte: a page opens with no pointer near it', async ({ page }) => {
    await page.goto('/');
    await page.getByRole('link', { name: 'Garage' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();

    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Garage' })).toBeVisible();
    const modules = () => page.evaluate(() => performance.getEntriesByType('resource')
      .filter((entry) => /\/(split|chunk)_[a-z_0-9]+-[0-9a-f]{16}\.wasm$/.test(entry.name))
      .map((entry) => ({ file: entry.name.split('/').pop()!, sent: (entry as PerformanceResourceTiming).transferSize })));
    // Nothing hovered, focused or clicked: the charger page's module came, from the cache.
    await expect.poll(async () => (await modules()).some((m) => m.file.startsWith('split_charger_pages-'))).toBe(true);
    const loaded = await modules();
    expect(loaded.filter((m) => m.sent > 0), JSON.stringify(loaded)).toEqual([]);
    expect(loaded.some((m) => m.file.startsWith('split_statistics_pages-')), JSON.stringify(loaded)).toBe(false);

    // A click with no pointer: the page opens with its module as it is, nothing fetched again.
    const requested: string[] = [];
    page.on('request', (request) => requested.push(new URL(request.url()).pathname));
    await page.getByRole('link', { name: 'Garage' }).evaluate((link: HTMLElement) => link.click());
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();
    expect(requested.filter((p) => p.endsWith('.wasm')), requested.join()).toEqual([]);
  });
});

// The public bundle is split the same way (src/bin/public.rs): the login page loads its main
// module only, the other logged-out pages one module more.
test.describe('Start-up, logged out', () => {
  test('the login page loads only the public main module; the registration page its own too', async ({ page }) => {
    const cached = new Map<string, string>();
    page.on('response', async (response) => {
      const path = new URL(response.url()).pathname;
      if (/\.(wasm|js)$/.test(path)) cached.set(path, (await response.allHeaders())['cache-control']);
    });
    const wasm = () => [...cached.keys()].filter((p) => p.endsWith('.wasm'));
    await page.goto('/login');
    await expect(page.getByRole('button', { name: 'Log in' })).toBeVisible();
    await expect.poll(wasm).toEqual([expect.stringMatching(/^\/public\/public-[0-9a-f]{16}_bg\.wasm$/)]);

    await page.getByRole('link', { name: 'Create an account' }).click();
    await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
    await expect.poll(() => wasm().some((p) => /^\/public\/split_other_pages-[0-9a-f]{16}\.wasm$/.test(p))).toBe(true);
    for (const [path, value] of cached) expect(value, path).toBe('public, max-age=31536000, immutable');
  });
});
