import { test, expect, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge, plugCar } from './fixtures/chargers';
import { ChargerPage } from './fixtures/charger_page';
import { SchedulePage } from './fixtures/schedule_page';
import { TariffPage } from './fixtures/tariff_page';
import type { APIRequestContext } from '@playwright/test';

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
    const schedule = new SchedulePage(page);
    await schedule.goto(id);
    const timers = schedule.timers();
    await expect(timers.getByText('No timers: a plugged-in car charges at once.')).toBeVisible();
    await schedule.addTimer().click();
    await schedule.addTimer().click();
    const second = schedule.timer(2);
    await second.getByLabel('From').fill('22:00');
    await second.getByLabel('To').fill('06:00');
    await second.getByLabel('Sun').uncheck();
    await schedule.saveTimers().click();
    await expect(timers.getByText('Saved.')).toBeVisible();

    await schedule.addTimer().click();
    await expect(timers.getByText('A charger has at most 2 timers.')).toBeVisible();
    await expect(schedule.timer(3)).toHaveCount(0);

    await page.reload();
    await expect(second).toBeVisible();
    await expect(second.getByLabel('From')).toHaveValue('22:00');
    await expect(second.getByLabel('Sun')).not.toBeChecked();
    await expect(schedule.timer(3)).toHaveCount(0);
  });

  test('an incomplete profile names its gap; dynamic power makes the slider read-only', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await plugCar(page.request, id);
    const charger = new ChargerPage(page);
    await charger.goto(id);
    await expect(charger.slider()).toBeEnabled();

    const schedule = new SchedulePage(page);
    await schedule.goto(id);
    const dynamic = schedule.dynamic();
    await schedule.useDynamic().check();
    const weekdays = schedule.weekdays();
    await weekdays.getByLabel('slot 1 to').fill('08:00');
    await schedule.saveDynamic().click();
    await expect(weekdays.getByText('Not covered: 08:00–24:00. The ranges must cover all 24 hours.')).toBeVisible();

    await weekdays.getByRole('button', { name: 'Add slot' }).click();
    await weekdays.getByLabel('slot 2 from').fill('08:00');
    await weekdays.getByLabel('slot 2 to').fill('00:00');
    await weekdays.getByLabel('slot 2 most power (kW)').fill('3,45');
    await schedule.saveDynamic().click();
    await expect(dynamic.getByText('Saved.')).toBeVisible();

    await charger.goto(id);
    await expect(charger.slider()).toBeDisabled();
    await expect(charger.control().getByText('Dynamic power control sets the current')).toBeVisible();
    await page.reload();
    await schedule.goto(id);
    await expect(weekdays.getByLabel('slot 2 most power (kW)')).toHaveValue('3.45');
  });

  test('each tariff kind prices a charge', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const tariffPage = new TariffPage(page);
    const tariff = tariffPage.tariff();
    const latestCost = async (startedAt: string) => {
      await hourCharge(page.request, id, startedAt);
      await page.goto(`/chargers/${id}`);
      const charges = page.getByRole('region', { name: 'Recent charges' });
      return charges.getByRole('row').nth(1);
    };

    await tariffPage.goto(id);
    await tariffPage.kind().selectOption('flat');
    await tariffPage.price().fill('abc');
    await tariffPage.save().click();
    await expect(tariff.getByText('Enter a price in €/kWh, like 0.1523.')).toBeVisible();
    await tariffPage.price().fill('0,20');
    await tariffPage.saveAndConfirm();
    // 3.68 kWh × 0.20 € = 0.736 €.
    await expect(await latestCost('2025-11-17T01:00:00Z')).toContainText('€0.74');

    await tariffPage.goto(id);
    await tariffPage.kind().selectOption('time_ranges');
    const ranges = tariffPage.ranges();
    await ranges.getByLabel('slot 1 to').fill('08:00');
    await ranges.getByLabel('range 1 price (€/kWh)').fill('0.10');
    await tariffPage.save().click();
    await expect(ranges.getByText('Not covered: 08:00–24:00.')).toBeVisible();
    await ranges.getByRole('button', { name: 'Add range' }).click();
    await ranges.getByLabel('slot 2 from').fill('08:00');
    await ranges.getByLabel('slot 2 to').fill('00:00');
    await ranges.getByLabel('range 2 price (€/kWh)').fill('0.30');
    await tariffPage.saveAndConfirm();
    // 02:00–03:00 in Madrid: 3.68 kWh × 0.10 € = 0.368 €.
    await expect(await latestCost('2025-11-18T01:00:00Z')).toContainText('€0.37');

    await tariffPage.goto(id);
    await tariffPage.kind().selectOption('day_time_ranges');
    await tariffPage.day('Wednesday').getByLabel('range 1 price (€/kWh)').fill('0.05');
    await tariffPage.saveAndConfirm();
    // Wednesday 2025-11-19: 3.68 kWh × 0.05 € = 0.184 €.
    await expect(await latestCost('2025-11-19T01:00:00Z')).toContainText('€0.18');

    // Market kinds: no market data reaches the test server, so the cost is an estimate and says so.
    for (const [kind, day] of [['indexed', '20'], ['pvpc', '21'], ['omie_spot', '22']]) {
      await tariffPage.goto(id);
      await tariffPage.kind().selectOption(kind);
      await tariffPage.saveAndConfirm();
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
    const tariffPage = new TariffPage(page);
    await tariffPage.goto(id);
    const prices = tariffPage.prices();
    await expect(tariffPage.chart()).toBeVisible();
    await tariffPage.typicalCharge().selectOption('4');
    await expect(prices.getByText(/Cheapest 4 h to charge: .*, 0[0-4]:00–0[4-8]:00, at 0.0800 €\/kWh on average\./)).toBeVisible();
    await tariffPage.setTimer().click();
    await expect(prices.getByText(/Timer 1 now charges 0[0-4]:00–0[4-8]:00\./)).toBeVisible();
    const timers = await (await page.request.get(`/api/chargers/${id}/timers`)).json();
    expect(timers.timers).toHaveLength(1);
    expect(timers.timers[0].end - timers.timers[0].start).toBe(240);
  });
});
