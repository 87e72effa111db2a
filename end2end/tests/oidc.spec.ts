import { test, expect, uniqueEmail, PASSWORD, appReady } from './fixtures/test';
import { LoginPage } from './fixtures/login_page';
import { ProfilePage } from './fixtures/profile_page';
import { ProviderPage } from './fixtures/provider_page';
import { createConfirmedUser } from './fixtures/accounts';

// The suite's server offers one provider, "Test ID": a real OpenID Connect provider
// (oidc-provider) started beside it by playwright.config.ts.
test.describe('Sign in with an OpenID Connect provider', () => {
  // The provider's development pages import a web font; this machine is offline.
  test.beforeEach(async ({ page }) => {
    await page.route('https://fonts.googleapis.com/**', (route) => route.fulfill({ contentType: 'text/css', body: '' }));
  });

  test('a first sign-in makes an account that the profile shows linked, and keeps its only way in', async ({ page }) => {
    const email = uniqueEmail('oidc-new');
    const login = new LoginPage(page);
    await login.goto();
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    const provider = new ProviderPage(page);
    await expect(provider.heading()).toBeVisible();
    await provider.signIn(email);

    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
    const profile = new ProfilePage(page);
    await profile.goto();
    const providers = profile.providersSection();
    await expect(providers.getByRole('cell', { name: email })).toBeVisible();
    await expect(providers).toContainText('This account has no password');
    await providers.getByRole('button', { name: 'Unlink Test ID' }).click();
    await expect(providers.getByRole('alert')).toContainText('This is your only way to sign in');
    await expect(providers.getByRole('cell', { name: email })).toBeVisible();
  });

  test('cancelling at the provider returns to the login page, in Spanish too', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await new ProviderPage(page).cancel();
    await expect(login.heading()).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('Sign-in was cancelled. Nothing was changed.');

    await page.evaluate(() => localStorage.setItem('charge-portal.language', 'es'));
    await page.reload();
    await appReady(page);
    await expect(page.getByRole('alert')).toContainText('Se canceló el inicio de sesión.');
    await expect(page.getByRole('link', { name: 'Continuar con Test ID' })).toBeVisible();
  });

  test('an unverified address is refused and makes no account', async ({ page }) => {
    const email = `unverified-${uniqueEmail('oidc')}`;
    const login = new LoginPage(page);
    await login.goto();
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await new ProviderPage(page).signIn(email);
    await expect(login.heading()).toBeVisible();
    await expect(page.getByRole('alert')).toContainText('has not verified your email address');
    const session = await (await page.request.get('/api/auth/session')).json();
    expect(session.account).toBeNull();
  });

  test('an existing account is linked once its owner logs in with the password', async ({ page }) => {
    const email = uniqueEmail('oidc-existing');
    await createConfirmedUser(page.request, email);
    const login = new LoginPage(page);
    await login.goto();
    await page.getByRole('link', { name: 'Continue with Test ID' }).click();
    await new ProviderPage(page).signIn(email);

    await expect(login.heading()).toBeVisible();
    await expect(page.getByRole('status').filter({ hasText: 'already has an account' })).toContainText(
      'Log in with your password to link Test ID',
    );
    await expect(login.email()).toHaveValue(email);
    await login.password().fill(PASSWORD);
    await login.submit().click();
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();

    const profile = new ProfilePage(page);
    await profile.goto();
    const providers = profile.providersSection();
    await expect(providers.getByRole('cell', { name: email })).toBeVisible();
    // With a password, the provider can be unlinked, and linked again from the profile.
    await providers.getByRole('button', { name: 'Unlink Test ID' }).click();
    await expect(providers.getByRole('cell', { name: email })).toHaveCount(0);
    await providers.getByRole('link', { name: 'Link Test ID' }).click();
    // The provider may remember the sign-in and the consent, and send the browser straight back.
    await page.waitForURL((url) => url.pathname === '/profile' || url.pathname.startsWith('/interaction/'));
    if (new URL(page.url()).pathname.startsWith('/interaction/')) {
      if (await page.locator('input[name="login"]').count()) await new ProviderPage(page).signIn(email);
      else await page.getByRole('button', { name: 'Continue' }).click();
    }
    await expect(page.getByRole('status').filter({ hasText: 'Test ID is linked' })).toBeVisible();
    await expect(providers.getByRole('cell', { name: email })).toBeVisible();
  });
});
