import { test, expect, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge } from './fixtures/chargers';
import { TariffPage } from './fixtures/tariff_page';

const COST_NOTE = 'Costs are of the energy only: they do not include the power term, the electricity tax or VAT.';

test.describe('Market tariffs without typing, and exact time ranges', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('tariff');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('an indexed tariff needs only the margin: the regulated tolls are optional overrides', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const tariffPage = new TariffPage(page);
    await tariffPage.goto(id);
    await tariffPage.kind().selectOption('indexed');
    const overrides = tariffPage.tolls();
    await expect(overrides).toBeVisible();
    await expect(overrides.getByText(/^Leave empty to use the official values in force/)).toBeVisible();
    for (const period of ['P1', 'P2', 'P3']) {
      const field = overrides.getByLabel(`Tolls and charges ${period} (€/kWh)`);
      await expect(field).toHaveValue('');
      await expect(field).not.toHaveAttribute('required');
    }
    await tariffPage.margin().fill('0.012');
    await tariffPage.saveAndConfirm();
    const saved = await (await page.request.get(`/api/chargers/${id}/tariff`)).json();
    expect(saved).toEqual({ kind: 'indexed', margin: 12000 });
    await expect(tariffPage.tariff().getByText(COST_NOTE)).toBeVisible();

    // An override of one period only is kept with all its decimals.
    await overrides.getByLabel('Tolls and charges P1 (€/kWh)').fill('0.081234');
    await tariffPage.saveAndConfirm();
    await page.reload();
    await expect(tariffPage.tolls().getByLabel('Tolls and charges P1 (€/kWh)')).toHaveValue('0.081234');
    await expect(tariffPage.tolls().getByLabel('Tolls and charges P2 (€/kWh)')).toHaveValue('');

    // Where costs are shown, the note says what they include.
    await pastCharge(page.request, id, '2025-11-18T01:00:00Z', 60, 3680);
    await page.goto('/history');
    await expect(page.getByText(COST_NOTE)).toBeVisible();
    await page.getByRole('link', { name: /2025/ }).first().click();
    await expect(page.getByText(COST_NOTE)).toBeVisible();
  });

  test('a range boundary inside a quarter-hour gets an inline error, in English and in Spanish', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const tariffPage = new TariffPage(page);
    await tariffPage.goto(id);
    await tariffPage.kind().selectOption('time_ranges');
    const ranges = tariffPage.ranges();
    await ranges.getByLabel('slot 1 to').fill('22:10');
    await ranges.getByLabel('range 1 price (€/kWh)').fill('0.30');
    await ranges.getByRole('button', { name: 'Add range' }).click();
    await ranges.getByLabel('slot 2 from').fill('22:10');
    await ranges.getByLabel('slot 2 to').fill('00:00');
    await ranges.getByLabel('range 2 price (€/kWh)').fill('0.10');
    await tariffPage.save().click();
    const error = page.locator('#ranges-error');
    await expect(error).toHaveText('Use times on the quarter-hour (:00, :15, :30 or :45), as charges are metered by the quarter-hour: 22:10.');

    await page.locator('#language-picker').selectOption('es');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await tariffPage.tariff('es').getByRole('button', { name: 'Guardar' }).click();
    await expect(error).toHaveText(
      'Usa horas en punto, y cuarto, y media o menos cuarto (:00, :15, :30 o :45), porque las cargas se miden por cuartos de hora: 22:10.',
    );

    // The arrow keys move a time to the next quarter-hour; then it saves.
    await page.locator('#language-picker').selectOption('en');
    await ranges.getByLabel('slot 1 to').press('ArrowUp');
    await expect(ranges.getByLabel('slot 1 to')).toHaveValue('22:15');
    await ranges.getByLabel('slot 2 from').press('ArrowUp');
    await tariffPage.saveAndConfirm();
    await expect(error).toHaveText('');
  });
});
