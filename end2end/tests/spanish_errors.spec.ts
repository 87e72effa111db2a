import { test, expect, uniqueEmail, appReady, PASSWORD } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, plugCar } from './fixtures/chargers';
import type { Locator, Page } from '@playwright/test';

// Every error the portal shows is worded in the user's language: the server's English
// `message` is for API users. Each test switches to Spanish with the header's picker, provokes
// the errors of one area, and checks each text against the Spanish one and against English.

/** Words that only an English sentence has (none is Spanish). */
const ENGLISH = /\b(the|this|that|is|are|enter|choose|use|your|you|charger|cannot|not|must|with|field|try|again|only|owner|offline|already|least|most|password|email|address|invalid|value|busy|turn|dynamic|power|timers?|day|price|like|no such|give)\b/i;

/** Every error text on the page: field errors, form errors and alerts. */
async function errorTexts(page: Page): Promise<string[]> {
  const texts = await page.locator('.field-error, .form-error, [role="alert"]').allInnerTexts();
  return texts.map((t) => t.trim()).filter((t) => t.length > 0);
}

/** Expects `error` to read `spanish`, and no error on the page to be in English. */
async function expectSpanish(page: Page, error: Locator, spanish: string) {
  await expect(error).toHaveText(spanish);
  const english = (await errorTexts(page)).filter((text) => ENGLISH.test(text));
  expect(english, 'errors shown in English').toEqual([]);
}

async function toSpanish(page: Page) {
  await page.locator('#language-picker').selectOption('es');
  await expect(page.locator('html')).toHaveAttribute('lang', 'es');
}

test.describe('Errors in Spanish', () => {
  test('logging in and registering', async ({ page }) => {
    const email = uniqueEmail('es-login');
    await createConfirmedUser(page.request, email, 'Ana');
    await page.goto('/login');
    await appReady(page);
    await toSpanish(page);
    const form = page.locator('form');
    await page.getByLabel('Correo electrónico').fill('ana');
    await page.getByLabel('Contraseña', { exact: true }).fill(PASSWORD);
    await form.getByRole('button', { name: 'Iniciar sesión' }).click();
    await expectSpanish(page, page.locator('#login-email-error'), 'Escribe un correo electrónico válido, como nombre@ejemplo.com.');

    await page.getByLabel('Correo electrónico').fill(email);
    await page.getByLabel('Contraseña', { exact: true }).fill('not my password');
    await form.getByRole('button', { name: 'Iniciar sesión' }).click();
    await expectSpanish(page, page.locator('.form-error'), 'El correo electrónico o la contraseña no son correctos.');

    await page.goto('/register');
    await appReady(page);
    await page.getByLabel('Correo electrónico').fill('ana@');
    await page.getByLabel('Contraseña', { exact: true }).fill('short');
    await page.getByRole('button', { name: 'Crear cuenta' }).click();
    await expectSpanish(page, page.locator('#register-email-error'), 'Escribe un correo electrónico válido, como nombre@ejemplo.com.');
    await expectSpanish(page, page.locator('#register-password-error'), 'Usa al menos 8 caracteres.');
  });

  test('adding a charger, its limits and the profile', async ({ page, browser, baseURL }) => {
    const email = uniqueEmail('es-chargers');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    await page.goto('/');
    await appReady(page);
    await toSpanish(page);

    await page.getByRole('button', { name: 'Añadir cargador' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Añadir cargador' });
    const idError = page.locator('#add-charger-id-error');
    await dialog.getByLabel('ID', { exact: true }).fill('ABC');
    await dialog.getByLabel('Nombre').fill('Garaje');
    await dialog.getByRole('button', { name: 'Añadir', exact: true }).click();
    await expectSpanish(page, idError, 'El ID tiene 10 letras y cifras, como en la etiqueta bajo S/N.');

    await dialog.getByLabel('ID', { exact: true }).fill('ZZZZZZZZZ1');
    await dialog.getByRole('button', { name: 'Añadir', exact: true }).click();
    await expectSpanish(page, idError, 'No hay ningún cargador con este ID. Compruébalo con la etiqueta del lateral del cargador.');

    const other = await browser.newContext({ baseURL });
    const otherEmail = uniqueEmail('es-owner');
    await createConfirmedUser(other.request, otherEmail);
    await logInThroughApi(other.request, otherEmail);
    const taken = await pairThroughApi(other.request, 'trydan', 'Suyo');
    await other.close();
    await dialog.getByLabel('ID', { exact: true }).fill(taken);
    await dialog.getByRole('button', { name: 'Añadir', exact: true }).click();
    await expectSpanish(page, idError, 'Este cargador ya está registrado. Pide a su propietario que lo comparta contigo.');

    const id = await pairThroughApi(page.request, 'trydan', 'Garaje');
    await page.goto(`/chargers/${id}/settings`);
    await appReady(page);
    const limits = page.getByRole('region', { name: 'Límites de intensidad' });
    await limits.getByLabel('Mínima (A)').fill('20');
    await limits.getByLabel('Máxima (A)').fill('16');
    await limits.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(page, limits.getByText(/^El mínimo/), 'El mínimo no puede ser mayor que el máximo.');
    await limits.getByLabel('Máxima (A)').fill('40');
    await limits.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(page, limits.getByText(/^Escribe un número/), 'Escribe un número entre 6 y 32.');

    await page.goto('/profile');
    await appReady(page);
    const details = page.getByRole('region', { name: 'Datos personales' });
    await details.getByLabel('Capacidad de la batería (kWh)').fill('5000');
    await details.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(page, page.locator('#profile-battery_kwh-error'), 'Escribe un número entre 1 y 300.');
    const password = page.getByRole('region', { name: 'Cambiar contraseña' });
    await password.getByLabel('Contraseña actual', { exact: true }).fill('not my password');
    await password.getByLabel('Contraseña nueva', { exact: true }).fill('short');
    await password.getByRole('button', { name: 'Cambiar contraseña' }).click();
    await expectSpanish(page, page.locator('#password-new_password-error'), 'Usa al menos 8 caracteres.');
  });

  test('timers, dynamic power and the tariff', async ({ page }) => {
    const email = uniqueEmail('es-schedule');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garaje');
    await page.goto(`/chargers/${id}/schedule`);
    await appReady(page);
    await toSpanish(page);

    const timers = page.getByRole('region', { name: 'Temporizadores' });
    const add = timers.getByRole('button', { name: 'Añadir temporizador' });
    await add.click();
    await add.click();
    await add.click();
    await expectSpanish(page, page.locator('#timers-all-error'), 'Un cargador tiene como máximo 2 temporizadores.');

    const first = timers.getByRole('group', { name: 'Temporizador 1' });
    for (const day of ['Lun', 'Mar', 'Mié', 'Jue', 'Vie', 'Sáb', 'Dom']) {
      await first.getByLabel(day, { exact: true }).uncheck();
    }
    await first.getByLabel('Hasta').fill('01:00');
    await timers.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(page, first.locator('.field-error').first(), 'Elige al menos un día.');
    await expectSpanish(
      page,
      first.locator('.field-error').nth(1),
      'Usa una hora de inicio y otra de fin distintas, de 00:00 a 24:00.',
    );

    const dynamic = page.getByRole('region', { name: 'Control dinámico de potencia' });
    await dynamic.getByLabel('Usar el control dinámico de potencia').check();
    const weekdays = dynamic.getByRole('group', { name: 'Perfil de días laborables (lunes a viernes)' });
    await weekdays.getByLabel('tramo 1 hasta').fill('08:00');
    await dynamic.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(
      page,
      weekdays.getByText(/^Sin cubrir/),
      'Sin cubrir: 08:00–24:00. Los tramos deben cubrir las 24 horas.',
    );

    await page.goto(`/chargers/${id}/tariff`);
    await appReady(page);
    const tariff = page.getByRole('region', { name: 'Tarifa de energía' });
    await tariff.getByLabel('Tipo de tarifa').selectOption('flat');
    await tariff.getByLabel('Precio (€/kWh)').fill('abc');
    await tariff.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(page, tariff.getByText(/^Escribe un precio/), 'Escribe un precio en €/kWh, como 0,1523.');
  });

  test('conflicts the charger reports: offline, dynamic power on', async ({ page }) => {
    const email = uniqueEmail('es-conflicts');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garaje');
    await plugCar(page.request, id);
    // The live stream is held, so the page keeps showing what it loaded: the user acts on a
    // view that is a moment old, the race in which the server refuses.
    await page.route('**/api/events', () => {});
    await page.goto(`/chargers/${id}`);
    await appReady(page);
    await toSpanish(page);
    const control = page.getByRole('region', { name: 'Control' });
    const slider = page.getByRole('slider', { name: 'Intensidad de carga' });
    await expect(slider).toBeEnabled();

    const dynamic = await page.request.put(`/api/chargers/${id}/dynamic-power`, {
      data: {
        enabled: true,
        scheme: 'standard',
        contracted_kw: 5.75,
        pv_mode: 'maximum_power',
        weekdays: [{ start: 0, end: 1440, max_kw: 5.75 }],
        weekends: [{ start: 0, end: 1440, max_kw: 5.75 }],
      },
    });
    expect(dynamic.ok()).toBeTruthy();
    await slider.focus();
    await page.keyboard.press('ArrowLeft');
    await expectSpanish(
      page,
      page.locator('.slider-field .form-error'),
      'El control dinámico de potencia fija la corriente: desactívalo para fijarla a mano.',
    );

    const offline = await page.request.post(`/api/dev/chargers/${id}/connection`, { data: { online: false } });
    expect(offline.ok()).toBeTruthy();
    await control.getByRole('button', { name: 'Bloquear', exact: true }).click();
    await expectSpanish(
      page,
      control.locator('.controls + .form-error'),
      'El cargador está desconectado: inténtalo de nuevo cuando vuelva a estar en línea.',
    );
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });

  test('cards, OCPP, sharing and a busy charger', async ({ page }) => {
    const email = uniqueEmail('es-settings');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garaje');
    await page.route('**/api/events', () => {});
    await page.goto(`/chargers/${id}/settings`);
    await appReady(page);
    await toSpanish(page);

    const cards = page.locator('section[aria-labelledby="cards-title"]');
    await cards.getByLabel('Código de la tarjeta').fill('zz');
    await cards.getByLabel('Nombre de la tarjeta').fill('Ana');
    await cards.getByRole('button', { name: 'Añadir tarjeta' }).click();
    await expectSpanish(
      page,
      page.locator('#add-card-code-error'),
      'Escribe el código de la tarjeta: de 4 a 20 cifras hexadecimales (0-9, A-F).',
    );
    await cards.getByLabel('Código de la tarjeta').fill('04A32BF1');
    await cards.getByRole('button', { name: 'Añadir tarjeta' }).click();
    await expect(cards.getByRole('table')).toContainText('04A32BF1');
    await cards.getByLabel('Código de la tarjeta').fill('04A32BF1');
    await cards.getByLabel('Nombre de la tarjeta').fill('Otra');
    await cards.getByRole('button', { name: 'Añadir tarjeta' }).click();
    await expectSpanish(page, page.locator('#add-card-code-error'), 'Esta tarjeta ya está registrada en este cargador.');

    const ocpp = page.getByRole('region', { name: 'OCPP' });
    await ocpp.getByLabel('Usar OCPP').check();
    await ocpp.getByLabel('Dirección del servidor').fill('https://csms.example.com');
    await ocpp.getByRole('button', { name: 'Guardar' }).click();
    await expectSpanish(
      page,
      page.locator('[id="ocpp-ocpp.url-error"]'),
      'Escribe una dirección ws:// o wss://, como wss://csms.ejemplo.com/ocpp.',
    );

    const sharing = page.getByRole('region', { name: 'Compartir', exact: true });
    await sharing.getByLabel('Correo electrónico').fill('ana');
    await sharing.getByRole('button', { name: 'Compartir', exact: true }).click();
    await expectSpanish(page, page.locator('#share-email-error'), 'Escribe un correo electrónico válido, como nombre@ejemplo.com.');
    await sharing.getByLabel('Correo electrónico').fill(email);
    await sharing.getByRole('button', { name: 'Compartir', exact: true }).click();
    await expectSpanish(page, page.locator('#share-email-error'), 'Es tu propia dirección: este cargador es tuyo.');

    // The firmware update starts elsewhere: this page does not know yet.
    const update = await page.request.post(`/api/chargers/${id}/operations`, { data: { operation: 'update_firmware' } });
    expect(update.ok()).toBeTruthy();
    const maintenance = page.getByRole('region', { name: 'Mantenimiento' });
    await maintenance.getByRole('button', { name: 'Reiniciar' }).click();
    await page.getByRole('dialog', { name: 'Reiniciar' }).getByRole('button', { name: 'Reiniciar' }).click();
    await expectSpanish(
      page,
      maintenance.locator('.form-error'),
      'El cargador está ocupado con otra operación. Inténtalo de nuevo cuando termine.',
    );
    await page.unrouteAll({ behavior: 'ignoreErrors' });
  });
});
