import { test, expect, uniqueEmail, PASSWORD, appReady } from './fixtures/test';
import { LoginPage } from './fixtures/login_page';
import { RegisterPage } from './fixtures/register_page';
import { Mailbox } from './fixtures/mailbox';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';

test.describe('Registration and login', () => {
  test('register, confirm the email, log in, reload, log out', async ({ page }) => {
    const email = uniqueEmail('flow');
    const register = new RegisterPage(page);
    await register.goto();
    await register.register(email, PASSWORD, 'Ana');

    await expect(page.getByRole('heading', { name: 'Check your email' })).toBeVisible();
    await expect(page.getByText(email)).toBeVisible();

    await page.goto(await new Mailbox(page.request).link(email, 'confirm'));
    await expect(page.getByRole('heading', { name: 'Email confirmed' })).toBeVisible();
    await page.getByRole('link', { name: 'Go to log in' }).click();

    const login = new LoginPage(page);
    await login.logIn(email, PASSWORD);
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
    const menu = page.getByRole('button', { name: /Account menu/ });
    await expect(menu).toContainText('Ana');

    await page.reload();
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
    await expect(menu).toContainText('Ana');

    await menu.click();
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(login.heading()).toBeVisible();
    await page.goto('/');
    await expect(login.heading()).toBeVisible();
  });

  test('an unconfirmed account cannot log in, and can ask for the link again', async ({ page }) => {
    const email = uniqueEmail('unconfirmed');
    const registered = await page.request.post('/api/auth/register', { data: { email, password: PASSWORD } });
    expect(registered.status()).toBe(201);

    const login = new LoginPage(page);
    await login.goto();
    await login.logIn(email, PASSWORD);
    await expect(login.alert()).toContainText('Confirm your email address before logging in');

    await page.getByRole('button', { name: 'Send the confirmation link again' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'We sent a new confirmation link' })).toBeVisible();
    await expect.poll(async () => (await new Mailbox(page.request).mails(email)).length).toBe(2);
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toHaveCount(0);
  });

  test('a wrong password gets one generic message and no session', async ({ page }) => {
    const email = uniqueEmail('wrong');
    await createConfirmedUser(page.request, email);
    const login = new LoginPage(page);
    await login.goto();

    await login.logIn(email, 'not the password');
    await expect(login.alert()).toHaveText('Email or password is incorrect.');
    await login.logIn(uniqueEmail('nobody'), PASSWORD);
    await expect(login.alert()).toHaveText('Email or password is incorrect.');

    await page.goto('/');
    await expect(login.heading()).toBeVisible();
  });

  test('fields are checked in the portal before anything is sent', async ({ page }) => {
    const login = new LoginPage(page);
    await login.goto();
    let requests = 0;
    page.on('request', (r) => r.url().includes('/api/auth/login') && requests++);

    await login.submit().click();
    await expect(login.email()).toHaveAttribute('aria-invalid', 'true');
    await expect(login.email()).toBeFocused();
    await expect(page.getByText('This field is required.')).toHaveCount(2);

    await login.email().fill('not-an-email');
    await login.submit().click();
    await expect(page.getByText('Enter a valid email address, like name@example.com.')).toBeVisible();
    expect(requests).toBe(0);
  });

  test('registration explains each bad field next to it', async ({ page }) => {
    const register = new RegisterPage(page);
    await register.goto();
    await register.register('ana@', 'short');
    await expect(register.email()).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#register-email-error')).toHaveText('Enter a valid email address, like name@example.com.');
    await expect(page.locator('#register-password-error')).toHaveText('Use at least 8 characters.');
    await expect(register.password()).toHaveAttribute('aria-describedby', /register-password-error/);
  });

  test('registering a taken address looks like any registration, and its owner is told', async ({ page }) => {
    const email = uniqueEmail('taken');
    await createConfirmedUser(page.request, email);
    const register = new RegisterPage(page);
    await register.goto();
    await register.register(email, PASSWORD);
    // Nothing tells a stranger that the address has an account…
    await expect(page).toHaveURL(/\/check-email\?email=/);
    // …but its owner gets an email saying so.
    const mails = await (await page.request.get(`/api/dev/outbox?to=${encodeURIComponent(email)}`)).json();
    expect(mails[0].body).toContain('already has one');
  });

  test('a protected page sends a logged-out visitor to log in, and back afterwards', async ({ page }) => {
    const email = uniqueEmail('back');
    await createConfirmedUser(page.request, email);
    await page.goto('/profile');
    const login = new LoginPage(page);
    await expect(login.heading()).toBeVisible();
    await expect(page).toHaveURL(/\/login\?next=%2Fprofile/);
    await login.logIn(email, PASSWORD);
    await expect(page.getByRole('heading', { name: 'Your profile' })).toBeVisible();
  });

  test('a logged-in user opening the login page goes to the portal', async ({ page }) => {
    const email = uniqueEmail('already');
    await createConfirmedUser(page.request, email);
    await logInThroughApi(page.request, email);
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();
  });

  test('an unknown page says so', async ({ page }) => {
    const email = uniqueEmail('lost');
    await createConfirmedUser(page.request, email);
    await logInThroughApi(page.request, email);
    await page.goto('/no/such/page');
    await appReady(page);
    await expect(page.getByRole('heading', { name: 'Page not found' })).toBeVisible();
  });

  test('the login page loads the small public bundle, not the app', async ({ page }) => {
    const scripts: string[] = [];
    page.on('request', (r) => r.url().endsWith('.wasm') && scripts.push(new URL(r.url()).pathname));
    const login = new LoginPage(page);
    await login.goto();
    expect(scripts).toHaveLength(1);
    expect(scripts[0]).toMatch(/^\/public\/public-[0-9a-f]{1,16}_bg\.wasm$/);
  });
});

test.describe('Password recovery', () => {
  test('an emailed link sets a new password, once', async ({ page }) => {
    const email = uniqueEmail('reset');
    await createConfirmedUser(page.request, email);
    const login = new LoginPage(page);
    await login.goto();
    await page.getByRole('link', { name: 'Forgot your password?' }).click();

    await expect(page.getByRole('heading', { name: 'Reset your password' })).toBeVisible();
    await page.getByLabel('Email').fill(email);
    await page.getByRole('button', { name: 'Send reset link' }).click();
    await expect(page.getByRole('status').filter({ hasText: `If ${email} has an account` })).toBeVisible();

    const link = await new Mailbox(page.request).link(email, 'reset-password');
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('a brand new secret');
    await page.getByLabel('Repeat the new password').fill('a brand new secreT');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.locator('#reset-password_repeat-error')).toHaveText('The passwords do not match.');

    await page.getByLabel('Repeat the new password').fill('a brand new secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.getByText('Your password was changed')).toBeVisible();

    await login.goto();
    await login.logIn(email, PASSWORD);
    await expect(login.alert()).toHaveText('Email or password is incorrect.');
    await login.logIn(email, 'a brand new secret');
    await expect(page.getByRole('heading', { name: 'Your chargers' })).toBeVisible();

    // The link was used up.
    await page.goto(link);
    await page.getByLabel('New password', { exact: true }).fill('another new secret');
    await page.getByLabel('Repeat the new password').fill('another new secret');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect(page.locator('.form-error')).toContainText('already used or has expired');
  });

  test('an invalid confirmation link says what to do', async ({ page }) => {
    await page.goto('/confirm?token=made-up');
    await expect(page.getByRole('heading', { name: 'This link does not work' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Go to log in' })).toBeVisible();
  });
});
