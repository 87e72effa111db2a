import { test, expect, uniqueEmail, appReady, expectAccessible } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge, setFlatTariff } from './fixtures/chargers';
import { homeAndOfficeWithCharges } from './fixtures/charges';
import type { Page } from '@playwright/test';

/** The options of the statistics chart, as ECharts holds them. */
async function chartOption(page: Page) {
  await expect(page.locator('.statistics-chart canvas')).toBeVisible();
  return page.evaluate(() => {
    const element = document.querySelector('.statistics-chart .echart-canvas');
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const option = (window as any).echarts.getInstanceByDom(element).getOption();
    return {
      labels: option.xAxis[0].data as string[],
      series: (option.series as { name: string; data: number[]; stack?: string }[]).map((s) => ({
        name: s.name,
        data: s.data,
        stack: s.stack,
      })),
    };
  });
}

/** A figure of the totals row ("Energy", "Cost", …). */
function total(page: Page, name: string) {
  return page.locator('.totals .total').filter({ has: page.locator('dt', { hasText: name }) }).locator('dd');
}

test.describe('Statistics', () => {
  test('show the totals of the period, a chart stacked by charger, and follow the period and metric chosen', async ({ page }) => {
    // November: Home 7.4 + 3.7 kWh, Office 22 kWh (0.20 €/kWh); December: Office 11 kWh.
    const { home, office } = await homeAndOfficeWithCharges(page.request, 'statistics');
    await pastCharge(page.request, office, '2025-12-02T08:00:00Z', 60, 11000);

    await page.goto('/statistics?period=month&day=2025-11-15');
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'Statistics', level: 1 })).toBeVisible();
    await expect(page.getByRole('radio', { name: 'Month' })).toBeChecked();
    await expect(total(page, 'Energy')).toHaveText('33.10 kWh');
    await expect(total(page, 'Charging time')).toHaveText('4 h 00 min');
    await expect(total(page, 'Cost')).toHaveText('€6.62');
    await expect(total(page, 'Charges')).toHaveText('3');

    // November by day, one stacked series per charger.
    let chart = await chartOption(page);
    expect(chart.labels).toHaveLength(30);
    const homeSeries = chart.series.find((s) => s.name === 'Home')!;
    const officeSeries = chart.series.find((s) => s.name === 'Office')!;
    expect(homeSeries.stack).toBe('chargers');
    expect(homeSeries.data[2]).toBeCloseTo(7.4); // 3 November
    expect(homeSeries.data[9]).toBeCloseTo(3.7);
    expect(officeSeries.data[3]).toBeCloseTo(22);
    expect(homeSeries.data.reduce((a, b) => a + b, 0)).toBeCloseTo(11.1);

    // The tooltip writes values as the portal does.
    await page.evaluate(() => {
      const element = document.querySelector('.statistics-chart .echart-canvas');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      (window as any).echarts.getInstanceByDom(element).dispatchAction({ type: 'showTip', seriesIndex: 0, dataIndex: 2 });
    });
    await expect(page.locator('.statistics-chart').getByText('7.40 kWh')).toBeVisible();

    // Cost per day.
    await page.getByRole('radio', { name: 'Cost' }).check();
    await expect.poll(async () => (await chartOption(page)).series.find((s) => s.name === 'Home')!.data[2]).toBeCloseTo(1.48);
    await expect(total(page, 'Cost')).toHaveText('€6.62');

    // The year 2025 by month: December's charge too.
    await page.getByRole('radio', { name: 'Year' }).check();
    await expect(page.getByRole('combobox', { name: 'Group by' })).toHaveValue('month');
    await expect(total(page, 'Energy')).toHaveText('44.10 kWh');
    await expect.poll(async () => (await chartOption(page)).labels.length).toBe(12);
    chart = await chartOption(page);
    expect(chart.series.find((s) => s.name === 'Office')!.data[11]).toBeCloseTo(2.2); // € in December
    await page.getByRole('radio', { name: 'Energy' }).check();
    await expect.poll(async () => (await chartOption(page)).series.find((s) => s.name === 'Office')!.data[10]).toBeCloseTo(22);

    // Back a year: nothing then.
    await page.getByRole('button', { name: 'Previous period' }).click();
    await expect(page.getByText('No charges in this period.')).toBeVisible();
    await expect(total(page, 'Charges')).toHaveText('0');
    await page.getByRole('button', { name: 'Next period' }).click();
    await expect(total(page, 'Charges')).toHaveText('4');

    // The choices survive a reload (they are in the URL).
    await page.reload();
    await expect(page.getByRole('radio', { name: 'Year' })).toBeChecked();
    await expect(page.getByRole('radio', { name: 'Energy' })).toBeChecked();
    await expect(total(page, 'Energy')).toHaveText('44.10 kWh');

    // Custom days: a last day before the first is refused next to the fields.
    await page.getByRole('radio', { name: 'Custom' }).check();
    await page.getByLabel('From day').fill('2025-11-04');
    await page.getByLabel('To day').fill('2025-11-03');
    await expect(page.getByText('Choose a last day on or after the first')).toBeVisible();
    await expect(page.getByLabel('To day')).toHaveAttribute('aria-invalid', 'true');
    await page.getByLabel('From day').fill('2025-11-03');
    await page.getByLabel('To day').fill('2025-11-10');
    await expect(page.getByLabel('To day')).toHaveAttribute('aria-invalid', 'false');
    await expect(total(page, 'Energy')).toHaveText('33.10 kWh');
    await page.getByRole('combobox', { name: 'Group by' }).selectOption('week');
    await expect.poll(async () => (await chartOption(page)).labels).toEqual(['Nov 3', 'Nov 10']); // weeks from Monday
    await expectAccessible(page);

    // The figures as a table, and the totals of each charger.
    await page.getByText('The figures as a table').click();
    await expect(page.getByRole('row', { name: /Week of Nov 3/ })).toContainText('29.40 kWh');
    const byCharger = page.getByRole('region', { name: 'By charger' });
    await expect(byCharger.getByRole('row', { name: /Office/ })).toContainText('€4.40');

    // One charger's statistics, also reached from its page (which shows this month's totals).
    await byCharger.getByRole('link', { name: 'Home' }).click();
    await expect(page.getByRole('heading', { name: 'Home: statistics' })).toBeVisible();
    await page.goto(`/chargers/${home}`);
    await expect(page.getByText(/^This month: [\d.,]+ kWh, €[\d.,]+, \d+ charges?$/)).toBeVisible();
    await page.getByRole('link', { name: 'All statistics' }).click();
    await expect(page.getByRole('heading', { name: 'Home: statistics' })).toBeVisible();
    await page.goto(`/chargers/${home}/statistics?period=month&day=2025-11-01`);
    await expect(total(page, 'Energy')).toHaveText('11.10 kWh');
    await expect.poll(async () => (await chartOption(page)).series.length).toBe(1);
  });

  test('a charge of the history shows its energy by hour and the prices applied', async ({ page }) => {
    const email = uniqueEmail('session');
    await createConfirmedUser(page.request, email, 'Lu');
    await logInThroughApi(page.request, email);
    const home = await pairThroughApi(page.request, 'trydan', 'Home');
    await setFlatTariff(page.request, home, 150000);
    // 90 minutes at 7.4 kW from 20:30 in Madrid: 11.1 kWh over two clock hours.
    await pastCharge(page.request, home, '2025-11-03T19:30:00Z', 90, 7400);

    await page.goto('/history');
    await appReady(page);
    await expect(page.getByRole('row', { name: /Nov 3, 2025/ })).toContainText('1 h 30 min');
    await page.getByRole('link', { name: /3, 2025/ }).click();
    await expect(page.getByRole('heading', { name: 'Charge details' })).toBeVisible();
    await expect(page.getByText('Nov 3, 2025, 20:30')).toBeVisible(); // Madrid time, 24-hour
    await expect(page.getByText('11.10 kWh')).toBeVisible();
    await expect(page.getByText('1 h 30 min')).toBeVisible();
    await expect(page.getByText('€1.67')).toBeVisible();
    await expect(page.getByText('Flat price')).toBeVisible();
    const prices = page.getByRole('region', { name: 'Prices applied' }).getByRole('row');
    await expect(prices).toHaveCount(7); // the header and six quarter-hours
    await expect(prices.nth(1)).toContainText('20:30 – 20:45');
    await expect(prices.nth(1)).toContainText('1.85 kWh');
    await expect(prices.nth(1)).toContainText('0.1500 €/kWh');
    await expect(page.locator('.session-chart canvas')).toBeVisible();
    const hourly = await page.evaluate(() => {
      const element = document.querySelector('.session-chart .echart-canvas');
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const option = (window as any).echarts.getInstanceByDom(element).getOption();
      return { labels: option.xAxis[0].data, data: option.series[0].data };
    });
    expect(hourly).toEqual({ labels: ['20:00', '21:00'], data: [3.7, 7.4] });
    await expectAccessible(page);
  });

  test("the demo account's statistics add up its charges, the shared charger's from when it was shared", async ({ page }) => {
    await logInThroughApi(page.request, 'demo@charge-portal.local', 'demo charge portal');
    // Every charge of the history, summed here.
    let energyWh = 0;
    let charges = 0;
    for (let number = 1; ; number++) {
      const history = await (await page.request.get(`/api/sessions?per_page=200&page=${number}`)).json();
      for (const row of history.rows) energyWh += row.energy_wh;
      charges += history.rows.length;
      if (charges >= history.total) break;
    }
    expect(charges).toBeGreaterThan(500);

    await page.goto('/');
    await appReady(page);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Statistics' }).click();
    await page.getByRole('radio', { name: 'All time' }).check();
    await expect(total(page, 'Charges')).toHaveText(String(charges));
    const shown = Number((await total(page, 'Energy').innerText()).replace(/[^\d.]/g, ''));
    expect(Math.abs(shown - energyWh / 1000)).toBeLessThanOrEqual(0.01);
    const byCharger = page.getByRole('region', { name: 'By charger' });
    await expect(byCharger.getByRole('row')).toHaveCount(4); // the header, Home, Office, Nora's driveway
    await expect(byCharger.getByRole('row', { name: /Nora's driveway/ })).not.toContainText('€0.00');
    const chart = await chartOption(page);
    expect(chart.series.map((s) => s.name).sort()).toEqual(['Home', "Nora's driveway", 'Office']);
    expect(chart.labels.length).toBeGreaterThanOrEqual(18); // months since the first charge
  });
});
