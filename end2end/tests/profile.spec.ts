import { test, expect, uniqueEmail, PASSWORD } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { LoginPage } from './fixtures/login_page';
import { ProfilePage } from './fixtures/profile_page';

test.describe('Profile', () => {
  let email: string;

  test.beforeEach(async ({ page }) => {
    email = uniqueEmail('profile');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('the sessions of other browsers are listed and can be ended', async ({ page, browser, baseURL }) => {
    const other = await browser.newContext({ baseURL });
    const otherPage = await other.newPage();
    await logInThroughApi(otherPage.request, email);
    await otherPage.goto('/');
    await expect(otherPage.getByRole('heading', { name: 'Your chargers' })).toBeVisible();

    const profile = new ProfilePage(page);
    await profile.goto();
    const sessions = profile.sessionsSection();
    await expect(sessions.getByRole('row')).toHaveCount(3); // the header and two sessions
    await expect(sessions.getByRole('row').nth(1)).toContainText('This browser');
    await sessions.getByRole('button', { name: 'Log out everywhere else' }).click();
    await expect(sessions.getByRole('row')).toHaveCount(2);
    await expect(sessions.getByRole('button', { name: 'Log out everywhere else' })).toHaveCount(0);

    // The other browser is logged out: its next page asks it to log in.
    await otherPage.goto('/profile');
    await expect(otherPage.getByRole('heading', { name: 'Log in' })).toBeVisible();
    await other.close();
  });

  test('edits are saved and survive a reload', async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    await expect(profile.name()).toHaveValue('Ana');

    await profile.name().fill('Ana García');
    await profile.make().fill('Kia');
    await profile.model().fill('EV6');
    await profile.battery().fill('77,4');
    await profile.save().click();
    await expect(page.getByRole('status').filter({ hasText: 'Profile saved.' })).toBeVisible();
    await expect(page.getByRole('button', { name: /Account menu/ })).toContainText('Ana García');

    await page.reload();
    await expect(profile.name()).toHaveValue('Ana García');
    await expect(profile.make()).toHaveValue('Kia');
    await expect(profile.model()).toHaveValue('EV6');
    await expect(profile.battery()).toHaveValue('77.4');
  });

  test('a bad value is explained next to its field and nothing is saved', async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    await profile.name().fill('Changed');
    await profile.battery().fill('5000');
    await profile.save().click();
    await expect(page.locator('#profile-battery_kwh-error')).toHaveText('Enter a number from 1 to 300.');
    await expect(profile.battery()).toBeFocused();

    await page.reload();
    await expect(profile.name()).toHaveValue('Ana');
  });

  test('the language can be switched and is remembered', async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    await page.getByLabel('Language', { exact: true }).first().selectOption('es');
    await expect(page.getByRole('heading', { name: 'Tu perfil' })).toBeVisible();
    await expect(page.locator('html')).toHaveAttribute('lang', 'es');
    await page.reload();
    await expect(page.getByRole('heading', { name: 'Tu perfil' })).toBeVisible();
    const account = await (await page.request.get('/api/account')).json();
    expect(account.profile.language).toBe('es');
  });

  test('the password changes only with the current one', async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    const section = profile.passwordSection();
    await section.getByLabel('Current password').fill('not my password');
    await section.getByLabel('New password').fill('a new password');
    await section.getByRole('button', { name: 'Change password' }).click();
    await expect(page.locator('#password-current_password-error')).toHaveText('The password is not correct.');

    await section.getByLabel('Current password').fill(PASSWORD);
    await section.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'Password changed.' })).toBeVisible();
    await expect(section.getByLabel('Current password')).toHaveValue('');

    const relogin = await page.request.post('/api/auth/login', { data: { email, password: 'a new password' } });
    expect(relogin.status()).toBe(200);
  });

  test('deleting the account asks first, then removes it for good', async ({ page }) => {
    const profile = new ProfilePage(page);
    await profile.goto();
    await profile.deleteSection().getByRole('button', { name: 'Delete account…' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete your account?' });
    await expect(dialog).toBeVisible();

    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    expect((await page.request.get('/api/account')).status()).toBe(200);

    await profile.deleteSection().getByRole('button', { name: 'Delete account…' }).click();
    await dialog.getByLabel('Password').fill('wrong password');
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    await expect(dialog.getByText('The password is not correct.')).toBeVisible();

    await dialog.getByLabel('Password').fill(PASSWORD);
    await dialog.getByRole('button', { name: 'Delete permanently' }).click();
    const login = new LoginPage(page);
    await expect(login.heading()).toBeVisible();
    await login.logIn(email, PASSWORD);
    await expect(login.alert()).toHaveText('Email or password is incorrect.');
  });
});
