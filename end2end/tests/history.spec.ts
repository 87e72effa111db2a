import * as fs from 'node:fs';
import { test, expect, appReady, expectAccessible } from './fixtures/test';
import { homeAndOfficeWithCharges } from './fixtures/charges';
import { logInThroughApi } from './fixtures/accounts';

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

  test("pages through the demo account's charges", async ({ page }) => {
    await logInThroughApi(page.request, 'demo@charge-portal.local', 'demo charge portal');
    const { total } = await (await page.request.get('/api/sessions?page=1')).json();
    expect(total).toBeGreaterThan(40); // at least three pages of 20

    await page.goto('/history');
    await appReady(page);
    const pager = page.getByRole('navigation', { name: 'Pages' });
    const previous = pager.getByRole('button', { name: 'Previous', exact: true });
    const next = pager.getByRole('button', { name: 'Next', exact: true });
    const firstRow = page.getByRole('table').getByRole('row').nth(1);
    // (The simulator may finish a charge meanwhile: the count of pages is not pinned.)
    await expect(pager.getByText(/^Page 1 of \d+$/)).toBeVisible();
    await expect(previous).toBeDisabled();
    await expect(next).toBeEnabled();
    const onFirstPage = await firstRow.innerText();

    await next.click();
    await expect(pager.getByText(/^Page 2 of \d+$/)).toBeVisible();
    await expect(firstRow).not.toHaveText(onFirstPage);
    const onSecondPage = await firstRow.innerText();
    await expect(previous).toBeEnabled();
    await previous.click();
    await expect(pager.getByText(/^Page 1 of \d+$/)).toBeVisible();
    await expect(firstRow).not.toHaveText(onSecondPage);
  });
});
