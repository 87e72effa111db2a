import { test, expect, uniqueEmail, expectAccessible } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';
import { SettingsPage } from './fixtures/charger_page';

test.describe('The settings page', () => {
  test.beforeEach(async ({ page }) => {
    const email = uniqueEmail('settings');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test("a switched-off feature's fields are disabled", async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    const ocpp = settings.ocpp();
    await expect(ocpp.getByLabel('Use OCPP')).not.toBeChecked();
    await expect(ocpp.getByLabel('Server address')).toBeDisabled();
    await expect(ocpp.getByLabel('Charge point ID')).toBeDisabled();
    await ocpp.getByLabel('Use OCPP').check();
    await expect(ocpp.getByLabel('Server address')).toBeEnabled();
    await expect(ocpp.getByLabel('Charge point ID')).toBeEnabled();
  });

  test('a table of contents jumps to each section', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const settings = new SettingsPage(page);
    await settings.goto(id);
    const contents = settings.contents();
    await expect(contents.getByRole('link')).toHaveText([
      'General',
      'Current limits',
      'Special options',
      'OCPP',
      'Maintenance',
      'e-Keys',
      'Sharing',
      'Remove charger',
    ]);
    const sharing = page.getByRole('heading', { name: 'Sharing', level: 2 });
    await expect(sharing).not.toBeInViewport();
    await contents.getByRole('link', { name: 'Sharing' }).click();
    await expect(sharing).toBeInViewport();
    await expect(page).toHaveURL(new RegExp(`/chargers/${id}/settings#sharing-title$`));
    await page.screenshot({ path: test.info().outputPath('settings.png') });
    await expectAccessible(page);
  });
});
