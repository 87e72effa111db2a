import * as fs from 'node:fs';
import { test, expect, appReady, expectAccessible } from './fixtures/test';
import { homeAndOfficeWithCharges } from './fixtures/charges';

test.describe('Charge history', () => {
  test('filters, sorts, and exports the same charges as CSV', async ({ page }) => {
    await homeAndOfficeWithCharges(page.request, 'history');

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
