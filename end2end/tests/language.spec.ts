import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, unpairedId } from './fixtures/chargers';
import type { Page } from '@playwright/test';

/** Switches the portal to Spanish with the header's picker (saved in the profile too). */
async function toSpanish(page: Page) {
  await page.locator('#language-picker').selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
}

/** Keeps every text the page draws on a canvas, from the next page loaded on. */
async function recordCanvasTexts(page: Page) {
  await page.addInitScript(() => {
    const drawn: string[] = [];
    (window as unknown as { drawnTexts: string[] }).drawnTexts = drawn;
    const fillText = CanvasRenderingContext2D.prototype.fillText;
    CanvasRenderingContext2D.prototype.fillText = function (text: string, x: number, y: number, maxWidth?: number) {
      drawn.push(text);
      return maxWidth === undefined ? fillText.call(this, text, x, y) : fillText.call(this, text, x, y, maxWidth);
    };
  });
}

async function forgetCanvasTexts(page: Page) {
  await page.evaluate(() => (window as unknown as { drawnTexts: string[] }).drawnTexts.splice(0));
}

async function canvasTexts(page: Page): Promise<string[]> {
  return page.evaluate(() => [...(window as unknown as { drawnTexts: string[] }).drawnTexts]);
}

test.describe('Numbers in Spanish', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('lang');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('the power chart writes its axis with a decimal comma', async ({ page }) => {
    await recordCanvasTexts(page);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.goto(`/chargers/${id}`);
    await appReady(page);
    await toSpanish(page);
    await expect(page.getByRole('img', { name: /Gráfico de la potencia/ })).toBeVisible();
    // Forget what was drawn in English; the chart redraws with each second's sample.
    await forgetCanvasTexts(page);
    const kw = async () => (await canvasTexts(page)).filter((t) => / kW$/.test(t));
    await expect.poll(kw).toContain('0,5 kW');
    expect((await kw()).filter((t) => /\d\.\d/.test(t))).toEqual([]);
    await page.locator('canvas.power-chart').screenshot({ path: test.info().outputPath('power-es.png') });
  });

  test('the price chart writes its axis with a decimal comma', async ({ page }) => {
    await recordCanvasTexts(page);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.request.put(`/api/chargers/${id}/tariff`, {
      data: { kind: 'time_ranges', ranges: [{ start: 0, end: 480, price: 80000 }, { start: 480, end: 1440, price: 200000 }] },
    });
    await page.goto(`/chargers/${id}/tariff`);
    await expect(page.getByRole('img', { name: /Chart of the energy price/ })).toBeVisible();
    await expect.poll(async () => (await canvasTexts(page)).some((t) => / €$/.test(t))).toBe(true);
    // Drawn in English; a switch of language redraws it.
    await forgetCanvasTexts(page);
    await toSpanish(page);
    const euros = async () => (await canvasTexts(page)).filter((t) => / €$/.test(t));
    await expect.poll(euros).toContain('0,10 €');
    expect((await euros()).filter((t) => /\d\.\d/.test(t))).toEqual([]);
    await page.locator('canvas.price-chart').screenshot({ path: test.info().outputPath('prices-es.png') });
  });

  test('decimal fields show and take a decimal comma', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await page.goto(`/chargers/${id}/schedule`);
    await appReady(page);
    await toSpanish(page);
    const dynamic = page.getByRole('region', { name: 'Control dinámico de potencia' });
    const contracted = dynamic.getByLabel('Potencia contratada (kW)');
    await contracted.fill('5,75');
    await dynamic.getByRole('button', { name: 'Guardar' }).click();
    await expect(dynamic.getByText('Guardado.')).toBeVisible();
    await page.reload();
    await expect(contracted).toHaveValue('5,75');
    const saved = await (await page.request.get(`/api/chargers/${id}/dynamic-power`)).json();
    expect(saved.contracted_kw).toBe(5.75);
  });

  test('the notice of an added charger follows a language switch', async ({ page }) => {
    await page.goto('/');
    await appReady(page);
    const id = await unpairedId(page.request, 'trydan');
    await page.getByRole('button', { name: 'Add charger' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add charger' });
    await dialog.getByLabel('ID').fill(id);
    await dialog.getByLabel('Name').fill('Casa');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Casa was added to your chargers.' })).toBeVisible();
    await toSpanish(page);
    await expect(page.getByRole('status').filter({ hasText: 'Casa se ha añadido a tus cargadores.' })).toBeVisible();
  });
});
