import { test as base, expect } from '@playwright/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { uniqueEmail } from './fixtures/test';

// A page in a split wasm module (tools/split-wasm.mjs) whose module cannot be downloaded: the
// suite's own `test` fails on console errors, and the module loader logs the failed download,
// so this one checks its page errors itself.
base('a page whose module does not download says so, and opening it again loads it', async ({ page }) => {
  const uncaught: string[] = [];
  page.on('pageerror', (error) => uncaught.push(error.message));
  const email = uniqueEmail('split');
  await createConfirmedUser(page.request, email, 'Sam');
  await logInThroughApi(page.request, email);
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1, name: 'Your chargers' })).toBeVisible();

  let offline = true;
  await page.route(/\/split_statistics_pages-[0-9a-f]{16}\.wasm$/, (route) => (offline ? route.abort() : route.continue()));
  const nav = page.getByRole('navigation', { name: 'Main' });
  await nav.getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByRole('alert')).toHaveText('This page could not be loaded. Check your connection and try again.');

  offline = false;
  await nav.getByRole('link', { name: 'History' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Charge history' })).toBeVisible();
  await nav.getByRole('link', { name: 'Statistics' }).click();
  await expect(page.getByRole('heading', { level: 1, name: 'Statistics' })).toBeVisible();
  expect(uncaught).toEqual([]);
});

base('a logged-out page whose module does not download says so, and a reload loads it', async ({ page }) => {
  const uncaught: string[] = [];
  page.on('pageerror', (error) => uncaught.push(error.message));
  const module = /\/split_other_pages-[0-9a-f]{16}\.wasm$/;
  await page.route(module, (route) => route.abort());
  await page.goto('/register');
  await expect(page.getByRole('alert')).toHaveText('This page could not be loaded. Check your connection and try again.');

  await page.unroute(module);
  await page.reload();
  await expect(page.getByRole('heading', { level: 1, name: 'Create your account' })).toBeVisible();
  expect(uncaught).toEqual([]);
});
