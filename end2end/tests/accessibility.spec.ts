import { test, expect, expectAccessible, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, plugCar } from './fixtures/chargers';

const loggedOutPages: [string, string][] = [
  ['/login', 'Log in'],
  ['/register', 'Create your account'],
  ['/check-email?email=ana%40example.com', 'Check your email'],
  ['/confirm?token=made-up', 'This link does not work'],
  ['/forgot-password', 'Reset your password'],
  ['/reset-password?token=some-token', 'Choose a new password'],
  ['/reset-password', 'Choose a new password'],
  ['/unsubscribe?token=made-up', 'This link does not work'],
];

test.describe('Accessibility (axe)', () => {
  for (const [path, heading] of loggedOutPages) {
    test(`${path} has no violations`, async ({ page }) => {
      await page.goto(path);
      await appReady(page);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expectAccessible(page);
    });
  }

  test('the login page with errors shown has no violations', async ({ page }) => {
    await page.goto('/login');
    await appReady(page);
    await page.getByRole('button', { name: 'Log in' }).click();
    await expect(page.getByText('This field is required.').first()).toBeVisible();
    await expectAccessible(page);
  });

  test('logged-in pages have no violations', async ({ page }) => {
    const email = uniqueEmail('a11y');
    await createConfirmedUser(page.request, email);
    await logInThroughApi(page.request, email);
    for (const [path, heading] of [['/no/such/page', 'Page not found'], ['/', 'Your chargers'], ['/profile', 'Your profile']]) {
      await page.goto(path);
      await expect(page.getByRole('heading', { level: 1, name: heading })).toBeVisible();
      await expectAccessible(page);
    }
    await page.getByRole('button', { name: /Account menu/ }).click();
    await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Delete account…' }).click();
    await expect(page.getByRole('dialog')).toBeVisible();
    await expectAccessible(page);
  });

  test('charger pages have no violations', async ({ page }) => {
    // Five pages, each checked by axe: more than 30 s on a busy two-core machine.
    test.slow();
    const email = uniqueEmail('a11y-chargers');
    await createConfirmedUser(page.request, email);
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan_pro', 'Garage');
    await plugCar(page.request, id);
    await page.goto('/');
    await expect(page.getByRole('link', { name: 'Garage' })).toBeVisible();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Add charger' }).click();
    await page.getByRole('dialog').getByRole('button', { name: 'Add', exact: true }).click();
    await expect(page.getByRole('dialog').getByText('This field is required.').first()).toBeVisible();
    await expectAccessible(page);
    await page.goto(`/chargers/${id}`);
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();
    await expect(page.getByRole('region', { name: 'Status' })).toContainText('Charging');
    await expectAccessible(page);
    await page.goto(`/chargers/${id}/settings`);
    await expect(page.getByRole('heading', { level: 1, name: 'Garage: settings' })).toBeVisible();
    await page.getByRole('region', { name: 'OCPP' }).getByLabel('Use OCPP').check();
    await page.getByRole('region', { name: 'OCPP' }).getByRole('button', { name: 'Save' }).click();
    await expect(page.getByText('This field is required.').first()).toBeVisible();
    await expectAccessible(page);
    const sharing = page.getByRole('region', { name: 'Sharing' });
    await sharing.getByLabel('Email').fill('invited-a11y@example.com');
    await sharing.getByRole('button', { name: 'Share' }).click();
    await expect(sharing.getByRole('row', { name: /invited-a11y/ })).toBeVisible();
    await expectAccessible(page);
  });

  test('schedule and tariff pages have no violations', async ({ page }) => {
    const email = uniqueEmail('a11y-schedule');
    await createConfirmedUser(page.request, email);
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.goto(`/chargers/${id}/schedule`);
    await page.getByRole('region', { name: 'Timers' }).getByRole('button', { name: 'Add timer' }).click();
    await expect(page.getByRole('group', { name: 'Timer 1' })).toBeVisible();
    await expectAccessible(page);
    await page.goto(`/chargers/${id}/tariff`);
    await page.getByLabel('Kind of tariff').selectOption('time_ranges');
    await expect(page.getByRole('group', { name: 'Time ranges' })).toBeVisible();
    await expect(page.getByRole('img', { name: /Chart of the energy price/ })).toBeVisible();
    await expectAccessible(page);
  });

  test('the Spanish login page has no violations', async ({ page }) => {
    await page.goto('/login');
    await appReady(page);
    await page.getByLabel('Language').selectOption('es');
    await expect(page.getByRole('heading', { name: 'Iniciar sesión' })).toBeVisible();
    await expectAccessible(page);
  });
});
