import { test, expect, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, pastCharge } from './fixtures/chargers';
import { SchedulePage } from './fixtures/schedule_page';

/** `YYYY-MM-DDTHH:MM` in Madrid, `hours` from now: what a `datetime-local` field holds. */
function madridLocal(hours: number): string {
  const at = new Date(Date.now() + hours * 3_600_000);
  // Swedish writes dates as ISO does.
  const text = at.toLocaleString('sv-SE', { timeZone: 'Europe/Madrid', hour12: false });
  return text.slice(0, 16).replace(' ', 'T');
}

/** The Madrid date `daysAgo` days before today: `YYYY-MM-DD` and its weekday (0 Sunday). */
function madridDate(daysAgo: number): { date: string; weekday: number } {
  const today = new Date().toLocaleString('sv-SE', { timeZone: 'Europe/Madrid' }).slice(0, 10);
  const day = new Date(Date.parse(`${today}T12:00:00Z`) - daysAgo * 86_400_000);
  return { date: day.toISOString().slice(0, 10), weekday: day.getUTCDay() };
}

/** The instant (ISO, UTC) of a Madrid date and time `HH:MM`. */
function madridInstant(date: string, time: string): string {
  const guess = Date.parse(`${date}T${time}:00Z`);
  const shown = new Date(guess).toLocaleString('sv-SE', { timeZone: 'Europe/Madrid', hour12: false });
  const offset = Date.parse(`${shown.replace(' ', 'T')}Z`) - guess;
  return new Date(guess - offset).toISOString();
}

test.describe('Ready by: charging plans', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('plans');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('a plan shows the cheap quarters chosen and its cost; an impossible one says why, in English and Spanish', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const night = {
      kind: 'time_ranges',
      ranges: [
        { start: 0, end: 480, price: 80_000 },
        { start: 480, end: 1440, price: 200_000 },
      ],
    };
    expect((await page.request.put(`/api/chargers/${id}/tariff`, { data: night })).status()).toBe(200);
    const schedule = new SchedulePage(page);
    await schedule.goto(id);
    const card = schedule.readyBy();
    await expect(card.getByText('No plan: the charger charges as its timers say.')).toBeVisible();

    // The departure offered is tomorrow at 07:30: the night before it is cheap.
    await schedule.energy().fill('10');
    await schedule.savePlan().click();
    await expect(schedule.planChart()).toBeVisible();
    expect(await schedule.planChart().locator('rect').count()).toBeGreaterThan(0);
    await expect(card.getByText(/^Expected cost €0\.80, against €\d+\.\d\d charging at once/)).toBeVisible();
    await expect(card.locator('.plan-quarters li').first()).toContainText('0.0800 €/kWh');

    await page.reload();
    await expect(schedule.planChart()).toBeVisible();

    await schedule.departure().fill(madridLocal(2));
    await schedule.energy().fill('200');
    await schedule.savePlan().click();
    await expect(card.getByText(/^It cannot be met: at most [\d.]+ kWh can be charged before the departure/)).toBeVisible();
    await expect(schedule.planChart()).toHaveCount(0);

    await page.locator('#language-picker').selectOption('es');
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    const tarjeta = page.getByRole('region', { name: 'Lista para' });
    await expect(tarjeta.getByText(/^No se puede cumplir: como mucho se pueden cargar [\d,]+ kWh antes de la salida/)).toBeVisible();
    await tarjeta.getByLabel('Fecha y hora de salida').fill(madridLocal(-1));
    await tarjeta.getByRole('button', { name: 'Planificar la carga' }).click();
    await expect(tarjeta.getByText('Elige una salida posterior a ahora y como mucho 7 días después.')).toBeVisible();
    await page.locator('#language-picker').selectOption('en');

    await card.getByRole('button', { name: 'Delete plan' }).click();
    await expect(card.getByText('No plan: the charger charges as its timers say.')).toBeVisible();
  });

  test('the charger\'s habits propose a weekday plan with the rule shown; accepting it makes a repeating plan', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    // Three weeks of weekday charges: plugged in at 05:10, unplugged at 07:40 (Madrid) with 18.5 kWh.
    for (let daysAgo = 1; daysAgo <= 21; daysAgo++) {
      const { date, weekday } = madridDate(daysAgo);
      if (weekday === 0 || weekday === 6) continue;
      await pastCharge(page.request, id, madridInstant(date, '05:10'), 150, 7400);
    }
    const schedule = new SchedulePage(page);
    await schedule.goto(id);
    const habits = schedule.habits();
    await expect(
      habits.getByText('On weekdays you usually plug in at 05:10 and unplug at 07:40, having taken about 18.50 kWh.'),
    ).toBeVisible();
    await expect(habits.getByText("The median of your last 8 weeks' 15 charges on weekdays (at least 5 are needed).")).toBeVisible();
    await expect(
      habits.getByText('At weekends: 0 charges in the last 8 weeks, too few to propose a plan (at least 5).'),
    ).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('habits-en.png'), fullPage: true });

    await page.locator('#language-picker').selectOption('es');
    const costumbres = page.getByRole('region', { name: 'Según tus costumbres' });
    await expect(
      costumbres.getByText('Los días laborables sueles enchufar a las 05:10 y desenchufar a las 07:40, tras cargar unos 18,50 kWh.'),
    ).toBeVisible();
    await expect(costumbres.getByText('La mediana de tus 15 cargas de las últimas 8 semanas en días laborables (hacen falta al menos 5).')).toBeVisible();
    await page.screenshot({ path: test.info().outputPath('habits-es.png'), fullPage: true });
    await page.locator('#language-picker').selectOption('en');

    await habits.getByRole('button', { name: 'Plan on weekdays: ready by 07:40 with 18.50 kWh' }).click();
    const card = schedule.readyBy();
    await expect(card.getByTestId('plan')).toContainText('18.50 kWh by');
    await expect(card.getByRole('radio', { name: 'Every week' })).toBeChecked();
    await expect(schedule.energy()).toHaveValue('18.5');
    const plan = await (await page.request.get(`/api/chargers/${id}/plan`)).json();
    expect(plan.goal.repeat).toEqual({ days: [true, true, true, true, true, false, false], minute: 460 });
    expect(plan.goal.energy_wh).toBe(18_500);
    await page.reload();
    await expect(card.getByRole('radio', { name: 'Every week' })).toBeChecked();
    await expect(card.getByLabel('Departure time')).toHaveValue('07:40');
  });
});
