import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, plugCar, unpairedId } from './fixtures/chargers';
import { ChargerPage, SettingsPage } from './fixtures/charger_page';

test.describe('Chargers', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('chargers');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('a charger is added by its ID; unknown and taken IDs are explained', async ({ page, browser, baseURL }) => {
    await page.goto('/');
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
    await page.getByRole('button', { name: 'Add charger' }).first().click();
    const dialog = page.getByRole('dialog', { name: 'Add charger' });

    await dialog.getByLabel('ID').fill('ABC');
    await dialog.getByLabel('Name').fill('Garage');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByText('The ID has 10 letters and digits')).toBeVisible();

    await dialog.getByLabel('ID').fill('ZZZZZZZZZ1');
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByText('No charger with this ID.')).toBeVisible();

    // Someone else owns this one.
    const other = await browser.newContext({ baseURL });
    const otherEmail = uniqueEmail('owner');
    await createConfirmedUser(other.request, otherEmail);
    await logInThroughApi(other.request, otherEmail);
    const taken = await pairThroughApi(other.request, 'trydan', 'Theirs');
    await dialog.getByLabel('ID').fill(taken);
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog.getByText('This charger is already registered. Ask its owner to share it with you.')).toBeVisible();
    await other.close();

    const id = await unpairedId(page.request, 'trydan_pro');
    await dialog.getByLabel('ID').fill(id.toLowerCase());
    await dialog.getByRole('button', { name: 'Add', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(page.getByRole('status').filter({ hasText: 'Garage was added to your chargers.' })).toBeVisible();
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Garage' }) });
    await expect(card).toContainText('Trydan Pro');
    await expect(card).toContainText('Owner');
    await expect(card).toContainText('No car connected');
    await expect(card).toContainText('Unlocked');

    await page.reload();
    await expect(page.getByRole('link', { name: 'Garage' })).toBeVisible();
  });

  test('the list shows live status, and the charger page shows the car charging', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    await page.goto('/');
    await appReady(page);
    const card = page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Home' }) });
    await expect(card).toContainText('No car connected');

    await plugCar(page.request, id);
    // Pushed by the server: no reload.
    await expect(card).toContainText(/Charging · 3\.7 kW/);

    await card.getByRole('link', { name: 'Home' }).click();
    const charger = new ChargerPage(page);
    await expect(page.getByRole('heading', { level: 1, name: 'Home' })).toBeVisible();
    await expect(charger.status()).toContainText('Charging');
    await expect(charger.power()).toHaveText('3.7 kW');
    const energyBefore = parseFloat(await charger.energy().innerText());
    await expect.poll(async () => parseFloat(await charger.energy().innerText()), { timeout: 10_000 }).toBeGreaterThan(energyBefore);
    await expect(charger.chart()).toBeVisible();
  });

  test('moving the slider changes the charging power; locking stops charging', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    await plugCar(page.request, id);
    const charger = new ChargerPage(page);
    await charger.goto(id);
    await expect(charger.power()).toHaveText('3.7 kW');
    await expect(charger.slider()).toHaveValue('16');

    await charger.slider().fill('10');
    await expect(charger.control()).toContainText('10 A');
    await expect(charger.control().getByText('Applied.')).toBeVisible();
    // 10 A × 230 V = 2.3 kW
    await expect(charger.power()).toHaveText('2.3 kW');
    await page.reload();
    await expect(charger.slider()).toHaveValue('10');

    await charger.lock().click();
    await expect(charger.control()).toContainText('Locked: nobody can charge.');
    await expect(charger.status()).toContainText('Car connected');
    await expect(charger.power()).toHaveText('0.0 kW');
    await page.reload();
    await expect(charger.unlock()).toBeVisible();

    await charger.unlock().click();
    await expect(charger.power()).toHaveText('2.3 kW');
  });

  test('new current limits change the slider range; crossed limits are refused', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    const limits = settings.limits();

    await limits.getByLabel('Minimum (A)').fill('20');
    await limits.getByLabel('Maximum (A)').fill('16');
    await limits.getByRole('button', { name: 'Save' }).click();
    await expect(limits.getByText('The minimum cannot be above the maximum.')).toBeVisible();
    await limits.getByLabel('Maximum (A)').fill('40');
    await limits.getByRole('button', { name: 'Save' }).click();
    await expect(limits.getByText('Enter a number from 6 to 32.')).toBeVisible();

    // The calculator: 4.6 kW single-phase allows 20 A.
    await limits.getByLabel('Contracted power (kW)').fill('4,6');
    await expect(limits.getByText('Your contracted power allows up to 20.0 A')).toBeVisible();
    await limits.getByRole('button', { name: 'Use 20 A as maximum' }).click();
    await expect(limits.getByLabel('Maximum (A)')).toHaveValue('20');
    await limits.getByLabel('Minimum (A)').fill('8');
    await limits.getByRole('button', { name: 'Save' }).click();
    await expect(limits.getByText('Saved.')).toBeVisible();

    await page.getByRole('link', { name: 'Home' }).click();
    const charger = new ChargerPage(page);
    await expect(charger.slider()).toHaveAttribute('min', '8');
    await expect(charger.slider()).toHaveAttribute('max', '20');
    await expect(charger.slider()).toHaveValue('16');
    await expect(charger.control()).toContainText('Between 8 A and 20 A');
  });

  test('every setting is saved and survives a reload', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan_pro', 'Home');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    await expect(settings.general()).toContainText(id);

    const general = settings.general();
    await general.getByLabel('Name').fill('Garage');
    await general.getByRole('radio', { name: 'Night' }).check();
    await general.getByLabel('Charger language').selectOption('fr');
    await general.getByLabel('LED lighting').uncheck();
    await general.getByLabel('Payments').check();
    await general.getByRole('button', { name: 'Save' }).click();
    await expect(general.getByText('Saved.')).toBeVisible();

    const limits = settings.limits();
    await limits.getByRole('radio', { name: 'Three-phase' }).check();
    await limits.getByRole('button', { name: 'Save' }).click();
    await expect(limits.getByText('Saved.')).toBeVisible();

    const options = settings.options();
    for (const option of ['Auto-lock', 'Button shortcuts', 'Wake-up mode', 'Energy alert disconnection']) {
      await options.getByLabel(option).check();
    }
    await options.getByRole('button', { name: 'Save' }).click();
    await expect(options.getByText('Saved.')).toBeVisible();

    const ocpp = settings.ocpp();
    await ocpp.getByLabel('Use OCPP').check();
    await ocpp.getByLabel('Server address').fill('https://csms.example.com');
    await ocpp.getByRole('button', { name: 'Save' }).click();
    await expect(ocpp.getByText('Enter a ws:// or wss:// address')).toBeVisible();
    await ocpp.getByLabel('Server address').fill('wss://csms.example.com/ocpp');
    await ocpp.getByRole('button', { name: 'Save' }).click();
    await expect(ocpp.getByText('This field is required.')).toBeVisible();
    await ocpp.getByLabel('Charge point ID').fill('GARAGE-1');
    await ocpp.getByRole('button', { name: 'Save' }).click();
    await expect(ocpp.getByText('Saved.')).toBeVisible();

    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Garage: settings' })).toBeVisible();
    await expect(general.getByLabel('Name')).toHaveValue('Garage');
    await expect(general.getByRole('radio', { name: 'Night' })).toBeChecked();
    await expect(general.getByLabel('Charger language')).toHaveValue('fr');
    await expect(general.getByLabel('LED lighting')).not.toBeChecked();
    await expect(general.getByLabel('Payments')).toBeChecked();
    await expect(limits.getByRole('radio', { name: 'Three-phase' })).toBeChecked();
    for (const option of ['Auto-lock', 'Button shortcuts', 'Wake-up mode', 'Energy alert disconnection']) {
      await expect(options.getByLabel(option)).toBeChecked();
    }
    await expect(ocpp.getByLabel('Use OCPP')).toBeChecked();
    await expect(ocpp.getByLabel('Server address')).toHaveValue('wss://csms.example.com/ocpp');
    await expect(ocpp.getByLabel('Charge point ID')).toHaveValue('GARAGE-1');
  });

  test('a Pole Pro maps its phases; a Trydan has its own options', async ({ page }) => {
    const pole = await pairThroughApi(page.request, 'pole_pro', 'Pole');
    const settings = new SettingsPage(page);
    await settings.goto(pole);
    const options = settings.options();
    await expect(options.getByLabel('Auto-lock')).toHaveCount(0);
    await expect(settings.general().getByLabel('LED lighting')).toHaveCount(0);
    await options.getByLabel('Slot 1').selectOption('2');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect(options.getByText('Use each phase 1, 2 and 3 once.')).toBeVisible();
    await options.getByLabel('Slot 2').selectOption('1');
    await options.getByRole('button', { name: 'Save' }).click();
    await expect(options.getByText('Saved.')).toBeVisible();
    await page.reload();
    await expect(options.getByLabel('Slot 1')).toHaveValue('2');
    await expect(options.getByLabel('Slot 2')).toHaveValue('1');
    await expect(page.getByRole('region', { name: 'RFID', exact: true })).toBeVisible();
    await expect(settings.maintenance().getByRole('button', { name: 'Calibrate' })).toHaveCount(0);
  });

  test('RFID cards are added, renamed and deleted', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    // A Trydan calls its cards e-Keys.
    const cards = page.getByRole('region', { name: 'e-Keys' });
    await expect(cards.getByText('No cards yet.')).toBeVisible();

    await cards.getByLabel('Card code').fill('zz');
    await cards.getByLabel('Card name').fill('Ana');
    await cards.getByRole('button', { name: 'Add card' }).click();
    await expect(cards.getByText('Enter the card code: 4 to 20 hexadecimal digits')).toBeVisible();
    await cards.getByLabel('Card code').fill('04:a3:2b:f1');
    await cards.getByRole('button', { name: 'Add card' }).click();
    const table = cards.getByRole('table');
    await expect(table.getByRole('row', { name: /Ana/ })).toContainText('04A32BF1');
    await cards.getByLabel('Card code').fill('04A32BF1');
    await cards.getByLabel('Card name').fill('Again');
    await cards.getByRole('button', { name: 'Add card' }).click();
    await expect(cards.getByText('This card is already registered on this charger.')).toBeVisible();

    await table.getByRole('button', { name: 'Rename Ana' }).click();
    await table.getByLabel('Card name').fill('Ana (work)');
    await table.getByRole('button', { name: 'Save' }).click();
    await expect(table.getByRole('row', { name: /Ana \(work\)/ })).toBeVisible();
    await page.reload();
    await expect(cards.getByRole('row', { name: /Ana \(work\)/ })).toContainText('04A32BF1');

    await cards.getByRole('button', { name: 'Delete Ana (work)' }).click();
    const confirm = page.getByRole('dialog', { name: 'Delete this card?' });
    await expect(confirm).toContainText('Ana (work) will no longer start charges');
    await confirm.getByRole('button', { name: 'Delete' }).click();
    await expect(cards.getByText('No cards yet.')).toBeVisible();
    await page.reload();
    await expect(cards.getByText('No cards yet.')).toBeVisible();
  });

  test('a restart asks first, takes the charger offline, and it comes back', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    await settings.maintenance().getByRole('button', { name: 'Restart' }).click();
    const confirm = page.getByRole('dialog', { name: 'Restart' });
    await expect(confirm).toContainText('This interrupts charging');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();

    await settings.maintenance().getByRole('button', { name: 'Restart' }).click();
    await confirm.getByRole('button', { name: 'Restart' }).click();
    await expect(settings.maintenance()).toContainText('Restarting');
    await page.getByRole('link', { name: 'Home' }).click();
    const charger = new ChargerPage(page);
    await expect(charger.status()).toContainText('Device offline');
    await expect(charger.slider()).toBeDisabled();
    await expect(charger.status()).toContainText('No car connected', { timeout: 20_000 });
  });

  test('removing a charger asks first and frees its ID', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Home');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    await page.getByRole('button', { name: 'Remove charger' }).click();
    const confirm = page.getByRole('dialog', { name: 'Remove this charger?' });
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await page.reload();
    await expect(page.getByRole('heading', { level: 1, name: 'Home: settings' })).toBeVisible();

    await page.getByRole('button', { name: 'Remove charger' }).click();
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
    await page.goto(`/chargers/${id}`);
    await expect(page.getByRole('heading', { name: 'Charger not found' })).toBeVisible();
    const again = await page.request.post('/api/chargers', { data: { id, name: 'Again' } });
    expect(again.status()).toBe(201);
  });
});
