import { test, expect, uniqueEmail, appReady, expectAccessible } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { AddChargerDialog } from './fixtures/add_charger_dialog';
import { ChargerPage, SettingsPage } from './fixtures/charger_page';
import { FakeTrydan } from './fixtures/fake_trydan';

// A Trydan on the server's network: added by its address in the portal, read and driven by the
// server through its local HTTP API (here a fake Trydan in this process).

test.describe('Trydan on my network', () => {
  test('is added by its address, shows live, takes the lock, and says what it cannot do', async ({ page }) => {
    test.setTimeout(60_000);
    const trydan = new FakeTrydan();
    const address = await trydan.start();
    try {
      const email = uniqueEmail('trydan');
      await createConfirmedUser(page.request, email, 'Tomás');
      await logInThroughApi(page.request, email);
      await page.goto('/');
      await appReady(page);

      const add = new AddChargerDialog(page);
      await add.open();
      await add.trydanKind().check();
      await add.address().fill('http://192.168.1.20');
      await add.name().fill('Garage Trydan');
      await add.submit().click();
      await expect(add.dialog().getByText(/Enter the Trydan's IP address or host name/)).toBeVisible();
      // A well-formed address where nothing answers: the server says so on the field.
      await add.address().fill('127.0.0.1:9');
      await add.submit().click();
      await expect(add.dialog().getByText(/No Trydan answers at this address/)).toBeVisible({ timeout: 10_000 });

      await add.address().fill(address);
      await add.submit().click();
      await expect(page.getByText('Garage Trydan was added to your chargers.')).toBeVisible();

      const listed: { id: string; name: string }[] = await (await page.request.get('/api/chargers')).json();
      const id = listed.find((c) => c.name === 'Garage Trydan')!.id;
      const charger = new ChargerPage(page);
      await charger.goto(id);
      await expect(charger.status().getByText(/^Charging · /)).toBeVisible({ timeout: 10_000 });
      await charger.lock().click();
      await expect.poll(() => trydan.writes).toContain('Locked=1');
      await expect(charger.unlock()).toBeVisible();
      await expect(page.getByRole('region', { name: 'Recent charges' })).toContainText('keeps no charge history');

      const settings = new SettingsPage(page);
      await settings.goto(id);
      const link = settings.section('Connection (Trydan on your network)');
      await expect(link.getByText(address)).toBeVisible();
      await expect(link.getByRole('status')).toHaveText('Connected');
      await expect(settings.section('Not available on the local API')).toContainText('no RFID list, no charge history');
      await expect(settings.maintenance()).toHaveCount(0);
      await expect(settings.section('e-Keys')).toHaveCount(0);
      await expectAccessible(page);

      await trydan.stop();
      await expect(link.getByRole('status')).toHaveText('Not connected', { timeout: 15_000 });
    } finally {
      await trydan.stop();
    }
  });
});
