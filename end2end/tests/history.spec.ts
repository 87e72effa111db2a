import * as fs from 'node:fs';
import { test, expect, expectAccessible } from './fixtures/test';
import { homeAndOfficeWithCharges } from './fixtures/charges';
import { logInThroughApi } from './fixtures/accounts';
import { HistoryPage } from './fixtures/history_page';

test.describe('Charge history', () => {
  test('filters, sorts, and exports the same charges as CSV', async ({ page }) => {
    await homeAndOfficeWithCharges(page.request, 'history');

    const history = new HistoryPage(page);
    await history.goto();
    await expect(history.heading()).toBeVisible();
    await expect(page.getByText('3 charges')).toBeVisible();
    const rows = history.rows();
    await expect(rows.nth(1)).toContainText('Home'); // newest first: the 10th
    await expect(rows.nth(1)).toContainText('3.70 kWh');
    await expect(rows.nth(1)).toContainText('€0.74');

    await history.sortBy('Energy').click(); // most first
    await expect(rows.nth(1)).toContainText('22.00 kWh');
    await expect(rows.nth(1)).toContainText('€4.40');
    await history.sortBy('Energy').click(); // least first
    await expect(rows.nth(1)).toContainText('3.70 kWh');

    await history.charger().selectOption({ label: 'Home' });
    await expect(page.getByText('2 charges')).toBeVisible();
    await history.fromDay().fill('2025-11-05');
    await expect(page.getByText('1 charge', { exact: true })).toBeVisible();
    await expectAccessible(page);

    const download = page.waitForEvent('download');
    await history.exportCsv().click();
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

    const history = new HistoryPage(page);
    await history.goto();
    const pager = history.pager();
    const previous = history.previous();
    const next = history.next();
    const firstRow = history.rows().nth(1);
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
