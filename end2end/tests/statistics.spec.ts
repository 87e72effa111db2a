import { test, expect, uniqueEmail, appReady, expectAccessible } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge, setFlatTariff } from './fixtures/chargers';
import { homeAndOfficeWithCharges } from './fixtures/charges';
import { StatisticsPage } from './fixtures/statistics_page';
import { ChargeDetailPage, HistoryPage } from './fixtures/history_page';

test.describe('Statistics', () => {
  test('show the totals of the period, a chart stacked by charger, and follow the period and metric chosen', async ({ page }) => {
    // November: Home 7.4 + 3.7 kWh, Office 22 kWh (0.20 €/kWh); December: Office 11 kWh.
    const { home, office } = await homeAndOfficeWithCharges(page.request, 'statistics');
    await pastCharge(page.request, office, '2025-12-02T08:00:00Z', 60, 11000);

    const statistics = new StatisticsPage(page);
    const total = statistics.total;
    await statistics.goto('period=month&day=2025-11-15');
    await expect(statistics.heading()).toBeVisible();
    await expect(statistics.choice('Month')).toBeChecked();
    await expect(total('Energy')).toHaveText('33.10 kWh');
    await expect(total('Charging time')).toHaveText('4 h 00 min');
    await expect(total('Cost')).toHaveText('€6.62');
    await expect(total('Charges')).toHaveText('3');

    // November by day, one stacked series per charger.
    let chart = await statistics.chartOption();
    expect(chart.labels).toHaveLength(30);
    const homeSeries = chart.series.find((s) => s.name === 'Home')!;
    const officeSeries = chart.series.find((s) => s.name === 'Office')!;
    expect(homeSeries.stack).toBe('chargers');
    expect(homeSeries.data[2]).toBeCloseTo(7.4); // 3 November
    expect(homeSeries.data[9]).toBeCloseTo(3.7);
    expect(officeSeries.data[3]).toBeCloseTo(22);
    expect(homeSeries.data.reduce((a, b) => a + b, 0)).toBeCloseTo(11.1);

    // The tooltip writes values as the portal does.
    await statistics.showTip(0, 2);
    await expect(page.locator('.statistics-chart').getByText('7.40 kWh')).toBeVisible();

    // Cost per day.
    await statistics.choice('Cost').check();
    await expect.poll(async () => (await statistics.chartOption()).series.find((s) => s.name === 'Home')!.data[2]).toBeCloseTo(1.48);
    await expect(total('Cost')).toHaveText('€6.62');

    // The year 2025 by month: December's charge too.
    await statistics.choice('Year').check();
    await expect(statistics.groupBy()).toHaveValue('month');
    await expect(total('Energy')).toHaveText('44.10 kWh');
    await expect.poll(async () => (await statistics.chartOption()).labels.length).toBe(12);
    chart = await statistics.chartOption();
    expect(chart.series.find((s) => s.name === 'Office')!.data[11]).toBeCloseTo(2.2); // € in December
    await statistics.choice('Energy').check();
    await expect.poll(async () => (await statistics.chartOption()).series.find((s) => s.name === 'Office')!.data[10]).toBeCloseTo(22);

    // Back a year: nothing then.
    await statistics.previous().click();
    await expect(page.getByText('No charges in this period.')).toBeVisible();
    await expect(total('Charges')).toHaveText('0');
    await statistics.next().click();
    await expect(total('Charges')).toHaveText('4');

    // The choices survive a reload (they are in the URL).
    await page.reload();
    await expect(statistics.choice('Year')).toBeChecked();
    await expect(statistics.choice('Energy')).toBeChecked();
    await expect(total('Energy')).toHaveText('44.10 kWh');

    // Custom days: a last day before the first is refused next to the fields.
    await statistics.choice('Custom').check();
    await statistics.fromDay().fill('2025-11-04');
    await statistics.toDay().fill('2025-11-03');
    await expect(page.getByText('Choose a last day on or after the first')).toBeVisible();
    await expect(statistics.toDay()).toHaveAttribute('aria-invalid', 'true');
    await statistics.fromDay().fill('2025-11-03');
    await statistics.toDay().fill('2025-11-10');
    await expect(statistics.toDay()).toHaveAttribute('aria-invalid', 'false');
    await expect(total('Energy')).toHaveText('33.10 kWh');
    await statistics.groupBy().selectOption('week');
    await expect.poll(async () => (await statistics.chartOption()).labels).toEqual(['Nov 3', 'Nov 10']); // weeks from Monday
    await expectAccessible(page);

    // The figures as a table, and the totals of each charger.
    await page.getByText('The figures as a table').click();
    await expect(page.getByRole('row', { name: /Week of Nov 3/ })).toContainText('29.40 kWh');
    const byCharger = statistics.byCharger();
    await expect(byCharger.getByRole('row', { name: /Office/ })).toContainText('€4.40');

    // One charger's statistics, also reached from its page (which shows this month's totals).
    await byCharger.getByRole('link', { name: 'Home' }).click();
    await expect(statistics.heading('Home: statistics')).toBeVisible();
    await page.goto(`/chargers/${home}`);
    await expect(page.getByText(/^This month: [\d.,]+ kWh, €[\d.,]+, \d+ charges?$/)).toBeVisible();
    await page.getByRole('link', { name: 'All statistics' }).click();
    await expect(statistics.heading('Home: statistics')).toBeVisible();
    await statistics.goto('period=month&day=2025-11-01', home);
    await expect(total('Energy')).toHaveText('11.10 kWh');
    await expect.poll(async () => (await statistics.chartOption()).series.length).toBe(1);
  });

  test('a charge of the history shows its energy by hour and the prices applied', async ({ page }) => {
    const email = uniqueEmail('session');
    await createConfirmedUser(page.request, email, 'Lu');
    await logInThroughApi(page.request, email);
    const home = await pairThroughApi(page.request, 'trydan', 'Home');
    await setFlatTariff(page.request, home, 150000);
    // 90 minutes at 7.4 kW from 20:30 in Madrid: 11.1 kWh over two clock hours.
    await pastCharge(page.request, home, '2025-11-03T19:30:00Z', 90, 7400);

    await new HistoryPage(page).goto();
    await expect(page.getByRole('row', { name: /Nov 3, 2025/ })).toContainText('1 h 30 min');
    await page.getByRole('link', { name: /3, 2025/ }).click();
    const detail = new ChargeDetailPage(page);
    await expect(detail.heading()).toBeVisible();
    await expect(page.getByText('Nov 3, 2025, 20:30')).toBeVisible(); // Madrid time, 24-hour
    await expect(page.getByText('11.10 kWh')).toBeVisible();
    await expect(page.getByText('1 h 30 min')).toBeVisible();
    await expect(page.getByText('€1.67')).toBeVisible();
    await expect(page.getByText('Flat price')).toBeVisible();
    const prices = detail.prices();
    await expect(prices).toHaveCount(7); // the header and six quarter-hours
    await expect(prices.nth(1)).toContainText('20:30 – 20:45');
    await expect(prices.nth(1)).toContainText('1.85 kWh');
    await expect(prices.nth(1)).toContainText('0.1500 €/kWh');
    await expect(page.locator('.session-chart canvas')).toBeVisible();
    expect(await detail.hourly()).toEqual({ labels: ['20:00', '21:00'], data: [3.7, 7.4] });
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
    const statistics = new StatisticsPage(page);
    const total = statistics.total;
    await statistics.choice('All time').check();
    await expect(total('Charges')).toHaveText(String(charges));
    const shown = Number((await total('Energy').innerText()).replace(/[^\d.]/g, ''));
    expect(Math.abs(shown - energyWh / 1000)).toBeLessThanOrEqual(0.01);
    const byCharger = statistics.byCharger();
    await expect(byCharger.getByRole('row')).toHaveCount(4); // the header, Home, Office, Nora's driveway
    await expect(byCharger.getByRole('row', { name: /Nora's driveway/ })).not.toContainText('€0.00');
    const chart = await statistics.chartOption();
    expect(chart.series.map((s) => s.name).sort()).toEqual(['Home', "Nora's driveway", 'Office']);
    expect(chart.labels.length).toBeGreaterThanOrEqual(18); // months since the first charge
    // Home's last two weeks were charged under plans, in the cheap night.
    await expect(total('Saved by plans')).toHaveText(/^€\d+\.\d\d$/);
    await expect(total('Saved by plans')).not.toHaveText('€0.00');
  });

  test('what plans saved: a charge made under a plan against charging at once from plug-in, in English and Spanish', async ({ page }) => {
    const email = uniqueEmail('savings');
    await createConfirmedUser(page.request, email, 'Sol');
    await logInThroughApi(page.request, email);
    const home = await pairThroughApi(page.request, 'trydan', 'Home');
    const night = {
      kind: 'time_ranges',
      ranges: [
        { start: 0, end: 480, price: 80_000 },
        { start: 480, end: 1440, price: 200_000 },
      ],
    };
    expect((await page.request.put(`/api/chargers/${home}/tariff`, { data: night })).status()).toBe(200);
    // Plugged in at 20:00 (Madrid), charged 01:00–02:00 at 7.36 kW under a plan: €0.59, against
    // €1.47 at once from 20:00. Another charge, without a plan, the next evening.
    await pastCharge(page.request, home, '2025-11-04T00:00:00Z', 60, 7360, '2025-11-03T19:00:00Z');
    await pastCharge(page.request, home, '2025-11-04T19:00:00Z', 60, 7360);

    const statistics = new StatisticsPage(page);
    const total = statistics.total;
    await statistics.goto('period=month&day=2025-11-15');
    await expect(total('Charges')).toHaveText('2');
    await expect(total('Saved by plans')).toHaveText('€0.88');
    await expect(page.getByText('1 charge under a plan cost €0.59, against €1.47 charging at once from plug-in (same tariff).')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('savings-en.png') });
    await page.locator('#language-picker').selectOption('es');
    await expect(total('Ahorrado con planes')).toHaveText('0,88 €');
    await expect(page.getByText('1 carga con un plan costó 0,59 €, frente a 1,47 € cargando enseguida desde que se enchufó (misma tarifa).')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('savings-es.png') });
    await page.locator('#language-picker').selectOption('en');

    // Without plans in the period, and none set, the figure is not shown.
    await statistics.goto('period=month&day=2025-12-15');
    await expect(total('Charges')).toHaveText('0');
    await expect(total('Saved by plans')).toHaveCount(0);
  });
});
