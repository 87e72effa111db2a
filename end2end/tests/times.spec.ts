import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge, setFlatTariff } from './fixtures/chargers';
import { ProfilePage } from './fixtures/profile_page';

// Times are written on the 24-hour clock in both languages, whatever the browser's own locale
// (the suite's Chromium is en-US, which would say "8:30 PM").
const TWELVE_HOUR = /\d(\s|\u202f)?(AM|PM|a\. ?m\.|p\. ?m\.)/i;

test.describe('Times of day', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('times');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('a charge that ends at midnight reads on the 24-hour clock, to 24:00', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await setFlatTariff(page.request, id, 150000);
    // 23:00 to 24:00 in Madrid (UTC+1 in November).
    await pastCharge(page.request, id, '2025-11-03T22:00:00Z', 60, 7400);

    await page.goto('/history');
    await appReady(page);
    const row = page.getByRole('row', { name: /Nov 3, 2025/ });
    await expect(row).toContainText('23:00');
    await expect(row).not.toContainText(TWELVE_HOUR);
    await row.getByRole('link').click();

    await expect(page.getByRole('heading', { name: 'Charge details' })).toBeVisible();
    const details = page.locator('.session-page dl');
    await expect(details).toContainText('Nov 3, 2025, 23:00');
    await expect(details).toContainText('Nov 4, 2025, 00:00');
    await expect(details).not.toContainText(TWELVE_HOUR);
    const prices = page.getByRole('region', { name: 'Prices applied' }).getByRole('row');
    await expect(prices.last()).toContainText('23:45 – 24:00');

    await page.goto('/profile');
    // The choice is saved in the profile: wait for it before loading another page.
    const saved = page.waitForResponse((r) => r.url().endsWith('/api/account') && r.request().method() === 'PUT');
    await page.getByLabel('Language', { exact: true }).first().selectOption('es');
    expect((await saved).status()).toBe(200);
    await page.goto('/history');
    await expect(page.getByRole('row', { name: /3 nov 2025/ })).toContainText('23:00');
  });

  test("the profile's sessions say when they were last seen on the 24-hour clock", async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    const row = profile.sessionsSection().getByRole('row').nth(1);
    await expect(row).toContainText(/\d{2}:\d{2}/);
    await expect(row).not.toContainText(TWELVE_HOUR);
  });

  test('time fields are typed as HH:MM and a range to midnight ends at 24:00', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.goto(`/chargers/${id}/schedule`);
    await appReady(page);
    const dynamic = page.getByRole('region', { name: 'Dynamic power control' });
    const weekdays = dynamic.getByRole('group', { name: 'Weekday profile (Monday to Friday)' });
    // The default profile is one slot over the whole day.
    const from = weekdays.getByLabel('slot 1 from');
    const to = weekdays.getByLabel('slot 1 to');
    await expect(from).toHaveValue('00:00');
    await expect(to).toHaveValue('24:00');
    // Not a native time field: those are drawn in the browser's locale ("12:00 AM").
    await expect(to).not.toHaveAttribute('type', 'time');

    const timers = page.getByRole('region', { name: 'Timers' });
    await timers.getByRole('button', { name: 'Add timer' }).click();
    const first = timers.getByRole('group', { name: 'Timer 1' });
    await expect(first.getByLabel('From')).not.toHaveAttribute('type', 'time');
    await first.getByLabel('From').fill('7:30');
    await first.getByLabel('To').fill('24:00');
    await first.getByLabel('From').blur();
    await expect(first.getByLabel('From')).toHaveValue('07:30');
    await timers.getByRole('button', { name: 'Save' }).click();
    await expect(timers.getByText('Saved.')).toBeVisible();
    await page.reload();
    await expect(first.getByLabel('From')).toHaveValue('07:30');
    await expect(first.getByLabel('To')).toHaveValue('24:00');
    await page.screenshot({ path: test.info().outputPath('schedule.png'), fullPage: true });
  });
});
