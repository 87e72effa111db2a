import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { AddChargerDialog, demoChargePoint } from './fixtures/add_charger_dialog';
import { ChargerPage } from './fixtures/charger_page';

// A "real" charger: the portal pairs an OCPP charge point, shows what to type into it, and a
// charge point of the Python `ocpp` package (tools/demo-charge-point.py) connects with those
// settings, boots, plugs a car in and charges; the portal shows it live.

test.describe('OCPP charger', () => {
  test('is paired in the portal, connects with the settings shown, and charges live', async ({ page }, testInfo) => {
    test.setTimeout(60_000);
    const email = uniqueEmail('ocpp');
    await createConfirmedUser(page.request, email, 'Olga');
    await logInThroughApi(page.request, email);
    await page.goto('/');
    await appReady(page);

    const add = new AddChargerDialog(page);
    await add.open();
    await add.ocppKind().check();
    // A wrong ID is refused next to its field, in words.
    await add.chargePointId().fill('carport/01');
    await add.name().fill('Carport');
    await add.submit().click();
    await expect(add.dialog().getByText('Use 1 to 48 letters, digits, dots, dashes, underscores or colons.')).toBeVisible();

    const pointId = `E2E-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 6)}`;
    await add.chargePointId().fill(pointId);
    await add.submit().click();
    await expect(add.dialog().getByRole('heading', { name: 'Connect your charger' })).toBeVisible();
    await expect(add.connectState()).toHaveText('Waiting for the charger to connect…');
    const endpoint = await add.credential('Server URL');
    const password = await add.credential('Password');
    expect(await add.credential('Charge point ID')).toBe(pointId);
    expect(endpoint).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/ocpp$/);
    expect(password).toMatch(/^[A-Za-z0-9]{24}$/);

    // The demo charge point starts its charges with this card: give it to the charger.
    const listed: { id: string; name: string }[] = await (await page.request.get('/api/chargers')).json();
    const id = listed.find((c) => c.name === 'Carport')!.id;
    expect((await page.request.post(`/api/chargers/${id}/cards`, { data: { code: 'DEC0DE01', name: 'Demo card' } })).status()).toBe(201);

    const chargePoint = demoChargePoint({ endpoint, id: pointId, password });
    try {
      await expect(add.connectState()).toHaveText('The charger is connected.', { timeout: 15_000 });
      await add.done().click();
      await expect(page.getByText('Carport was added to your chargers.')).toBeVisible();

      const charger = new ChargerPage(page);
      await charger.goto(id);
      await expect(page.getByText('OCPP charger', { exact: false }).first()).toBeVisible();
      await expect(charger.status().getByText(/^Charging · /)).toBeVisible({ timeout: 15_000 });
      // 16 A on one phase at 230 V, as the demo charges at the portal's limit.
      await expect.poll(() => charger.powerKw(), { timeout: 10_000 }).toBeCloseTo(3.7, 1);

      // The slider's current reaches the charge point as a charging profile: it charges at 10 A.
      await charger.slider().fill('10');
      await expect.poll(() => charger.powerKw(), { timeout: 10_000 }).toBeCloseTo(2.3, 1);
    } finally {
      chargePoint.kill('SIGTERM');
      await new Promise((resolve) => chargePoint.once('exit', resolve));
      // What the charge point saw, for whoever reads a failure.
      await testInfo.attach('charge point', { body: (chargePoint as unknown as { output: () => string }).output() });
      if (process.env.E2E_SHOW_CHARGE_POINT) console.log((chargePoint as unknown as { output: () => string }).output());
    }
    // Its connection closed: the portal says so at once.
    await expect(new ChargerPage(page).status().getByText('Device offline', { exact: true })).toBeVisible({ timeout: 10_000 });
  });
});
