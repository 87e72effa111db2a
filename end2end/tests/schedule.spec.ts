import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge, plugCar } from './fixtures/chargers';
import { ChargerPage } from './fixtures/charger_page';
import type { APIRequestContext, Page } from '@playwright/test';

async function openSchedule(page: Page, id: string) {
  await page.goto(`/chargers/${id}/schedule`);
  await appReady(page);
}

/** Records a finished one-hour charge at 3.68 kW. */
async function hourCharge(request: APIRequestContext, id: string, startedAt: string) {
  await pastCharge(request, id, startedAt, 60, 3680);
}

test.describe('Timers, dynamic power and tariffs', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('schedule');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('two timers are saved and a third is refused', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await openSchedule(page, id);
    const timers = page.getByRole('region', { name: 'Timers' });
    await expect(timers.getByText('No timers: a plugged-in car charges at once.')).toBeVisible();
    await timers.getByRole('button', { name: 'Add timer' }).click();
    await timers.getByRole('button', { name: 'Add timer' }).click();
    const second = timers.getByRole('group', { name: 'Timer 2' });
    await second.getByLabel('From').fill('22:00');
    await second.getByLabel('To').fill('06:00');
    await second.getByLabel('Sun').uncheck();
    await timers.getByRole('button', { name: 'Save' }).click();
    await expect(timers.getByText('Saved.')).toBeVisible();

    await timers.getByRole('button', { name: 'Add timer' }).click();
    await expect(timers.getByText('A charger has at most 2 timers.')).toBeVisible();
    await expect(timers.getByRole('group', { name: 'Timer 3' })).toHaveCount(0);

    await page.reload();
    await expect(second).toBeVisible();
    await expect(second.getByLabel('From')).toHaveValue('22:00');
    await expect(second.getByLabel('Sun')).not.toBeChecked();
    await expect(timers.getByRole('group', { name: 'Timer 3' })).toHaveCount(0);
  });

  test('an incomplete profile names its gap; dynamic power makes the slider read-only', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await plugCar(page.request, id);
    const charger = new ChargerPage(page);
    await charger.goto(id);
    await expect(charger.slider()).toBeEnabled();

    await openSchedule(page, id);
    const dynamic = page.getByRole('region', { name: 'Dynamic power control' });
    await dynamic.getByLabel('Use dynamic power control').check();
    const weekdays = dynamic.getByRole('group', { name: 'Weekday profile (Monday to Friday)' });
    await weekdays.getByLabel('slot 1 to').fill('08:00');
    await dynamic.getByRole('button', { name: 'Save' }).click();
    await expect(weekdays.getByText('Not covered: 08:00–24:00. The ranges must cover all 24 hours.')).toBeVisible();

    await weekdays.getByRole('button', { name: 'Add slot' }).click();
    await weekdays.getByLabel('slot 2 from').fill('08:00');
    await weekdays.getByLabel('slot 2 to').fill('00:00');
    await weekdays.getByLabel('slot 2 most power (kW)').fill('3,45');
    await dynamic.getByRole('button', { name: 'Save' }).click();
    await expect(dynamic.getByText('Saved.')).toBeVisible();

    await charger.goto(id);
    await expect(charger.slider()).toBeDisabled();
    await expect(charger.control().getByText('Dynamic power control sets the current')).toBeVisible();
    await page.reload();
    await openSchedule(page, id);
    await expect(weekdays.getByLabel('slot 2 most power (kW)')).toHaveValue('3.45');
  });

  test('each tariff kind prices a charge', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const tariffPage = async () => {
      await page.goto(`/chargers/${id}/tariff`);
      await appReady(page);
      return page.getByRole('region', { name: 'Energy tariff' });
    };
    const save = async (tariff: ReturnType<Page['getByRole']>) => {
      await tariff.getByRole('button', { name: 'Save' }).click();
      await expect(tariff.getByText('Saved. The new tariff prices the charges from now on')).toBeVisible();
    };
    const latestCost = async (startedAt: string) => {
      await hourCharge(page.request, id, startedAt);
      await page.goto(`/chargers/${id}`);
      const charges = page.getByRole('region', { name: 'Recent charges' });
      return charges.getByRole('row').nth(1);
    };

    let tariff = await tariffPage();
    await tariff.getByLabel('Kind of tariff').selectOption('flat');
    await tariff.getByLabel('Price (€/kWh)').fill('abc');
    await tariff.getByRole('button', { name: 'Save' }).click();
    await expect(tariff.getByText('Enter a price in €/kWh, like 0.1523.')).toBeVisible();
    await tariff.getByLabel('Price (€/kWh)').fill('0,20');
    await save(tariff);
    // 3.68 kWh × 0.20 € = 0.736 €.
    await expect(await latestCost('2025-11-17T01:00:00Z')).toContainText('€0.74');

    tariff = await tariffPage();
    await tariff.getByLabel('Kind of tariff').selectOption('time_ranges');
    const ranges = tariff.getByRole('group', { name: 'Time ranges' });
    await ranges.getByLabel('slot 1 to').fill('08:00');
    await ranges.getByLabel('range 1 price (€/kWh)').fill('0.10');
    await tariff.getByRole('button', { name: 'Save' }).click();
    await expect(ranges.getByText('Not covered: 08:00–24:00.')).toBeVisible();
    await ranges.getByRole('button', { name: 'Add range' }).click();
    await ranges.getByLabel('slot 2 from').fill('08:00');
    await ranges.getByLabel('slot 2 to').fill('00:00');
    await ranges.getByLabel('range 2 price (€/kWh)').fill('0.30');
    await save(tariff);
    // 02:00–03:00 in Madrid: 3.68 kWh × 0.10 € = 0.368 €.
    await expect(await latestCost('2025-11-18T01:00:00Z')).toContainText('€0.37');

    tariff = await tariffPage();
    await tariff.getByLabel('Kind of tariff').selectOption('day_time_ranges');
    await tariff.getByRole('group', { name: 'Wednesday' }).getByLabel('range 1 price (€/kWh)').fill('0.05');
    await save(tariff);
    // Wednesday 2025-11-19: 3.68 kWh × 0.05 € = 0.184 €.
    await expect(await latestCost('2025-11-19T01:00:00Z')).toContainText('€0.18');

    // Market kinds: no market data reaches the test server, so the cost is an estimate and says so.
    for (const [kind, day] of [['indexed', '20'], ['pvpc', '21'], ['omie_spot', '22']]) {
      tariff = await tariffPage();
      await tariff.getByLabel('Kind of tariff').selectOption(kind);
      await save(tariff);
      // The chart follows the market, and says its prices are estimates.
      await expect(page.getByText('Some of these prices are estimates')).toBeVisible();
      const row = await latestCost(`2025-11-${day}T01:00:00Z`);
      await expect(row).toContainText('estimated');
      await expect(row).toContainText(/€0\.\d\d/);
    }
    // Earlier charges keep the cost they were recorded with.
    await expect(page.getByRole('region', { name: 'Recent charges' }).getByRole('row', { name: /€0\.74/ })).toBeVisible();
  });

  test('the price chart shows the cheapest window and sets a timer to it', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.request.put(`/api/chargers/${id}/tariff`, {
      data: { kind: 'time_ranges', ranges: [{ start: 0, end: 480, price: 80000 }, { start: 480, end: 1440, price: 200000 }] },
    });
    await page.goto(`/chargers/${id}/tariff`);
    const prices = page.getByRole('region', { name: 'Prices today and tomorrow' });
    await expect(prices.getByRole('img', { name: /Chart of the energy price/ })).toBeVisible();
    await prices.getByLabel('A typical charge takes').selectOption('4');
    await expect(prices.getByText(/Cheapest 4 h to charge: .*, 0[0-4]:00–0[4-8]:00, at 0.0800 €\/kWh on average\./)).toBeVisible();
    await prices.getByRole('button', { name: 'Set a timer to this window' }).click();
    await expect(prices.getByText(/Timer 1 now charges 0[0-4]:00–0[4-8]:00\./)).toBeVisible();
    const timers = await (await page.request.get(`/api/chargers/${id}/timers`)).json();
    expect(timers.timers).toHaveLength(1);
    expect(timers.timers[0].end - timers.timers[0].start).toBe(240);
  });
});
