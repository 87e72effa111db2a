import * as fs from 'node:fs';
import { test, expect, uniqueEmail, appReady, expectAccessible } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';

test.describe('Charge history', () => {
  test('filters, sorts, and exports the same charges as CSV', async ({ page }) => {
    const email = uniqueEmail('history');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    const home = await pairThroughApi(page.request, 'trydan', 'Home');
    const office = await pairThroughApi(page.request, 'denka', 'Office');
    for (const id of [home, office]) {
      await page.request.put(`/api/chargers/${id}/tariff`, { data: { kind: 'flat', price: 200000 } });
    }
    // (charger, start, minutes, W): Home 7.4 kWh and 3.7 kWh, Office 22 kWh.
    for (const [id, start, minutes, power] of [
      [home, '2025-11-03T19:00:00Z', 60, 7400],
      [home, '2025-11-10T19:00:00Z', 60, 3700],
      [office, '2025-11-04T08:00:00Z', 120, 11000],
    ] as const) {
      const response = await page.request.post(`/api/dev/chargers/${id}/sessions`, {
        data: { started_at: Date.parse(start) / 1000, minutes, power_w: power },
      });
      expect(response.status()).toBe(204);
    }

    await page.goto('/history');
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'Charge history' })).toBeVisible();
    await expect(page.getByText('3 charges')).toBeVisible();
    const rows = page.getByRole('table').getByRole('row');
    await expect(rows.nth(1)).toContainText('Home'); // newest first: the 10th
    await expect(rows.nth(1)).toContainText('3.70 kWh');
    await expect(rows.nth(1)).toContainText('€0.74');

    await page.getByRole('button', { name: 'Energy' }).click(); // most first
    await expect(rows.nth(1)).toContainText('22.00 kWh');
    await expect(rows.nth(1)).toContainText('€4.40');
    await page.getByRole('button', { name: 'Energy' }).click(); // least first
    await expect(rows.nth(1)).toContainText('3.70 kWh');

    await page.getByLabel('Charger').selectOption({ label: 'Home' });
    await expect(page.getByText('2 charges')).toBeVisible();
    await page.getByLabel('From day').fill('2025-11-05');
    await expect(page.getByText('1 charge', { exact: true })).toBeVisible();
    await expectAccessible(page);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Export CSV' }).click();
    const file = await (await download).path();
    const csv = fs.readFileSync(file, 'utf8').trim().split('\n');
    expect(csv[0]).toBe('Charger;Start;End;Duration (min);Energy (kWh);Cost (€);Estimated;RFID card');
    expect(csv).toHaveLength(2);
    expect(csv[1]).toBe('"Home";2025-11-10 20:00;2025-11-10 21:00;60;3.700;0.74;no;""');
  });
});
