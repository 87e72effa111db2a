import { test, expect, expectAccessible, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';
import { HelpPage } from './fixtures/help_page';
import { Mailbox } from './fixtures/mailbox';

const SUPPORT = 'support@charge-portal.local';

test.describe('Help and support', () => {
  let email: string;

  test.beforeEach(async ({ page }) => {
    email = uniqueEmail('help');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
  });

  test('the help page answers questions, explains roles and the OCPP settings, and shows the version', async ({ page, baseURL }) => {
    const help = new HelpPage(page);
    await help.openFromMenu();
    await expect(page).toHaveURL(/\/help$/);
    await expect(help.heading()).toHaveText('Help and support');
    await expect(page).toHaveTitle('Help and support · Charge Portal');

    // The guide's questions, each answer behind its question.
    const question = help.faq().getByText("I can't unlock my charger. What is the solution?");
    const answer = help.faq().getByText(/wait 5 seconds and reconnect them/);
    await expect(answer).toBeHidden();
    await question.click();
    await expect(answer).toBeVisible();
    await expect(help.faq().locator('summary')).toHaveCount(5);

    // Roles as the server enforces them: owner, editor, viewer columns.
    const row = (name: string) => help.roles().getByRole('row', { name: new RegExp(`^${name}`) });
    await expect(row('Share it, change roles').getByRole('cell')).toHaveText(['Yes', 'No', 'No']);
    await expect(row('Change settings, current').getByRole('cell')).toHaveText(['Yes', 'Yes', 'No']);
    await expect(row('See its status').getByRole('cell')).toHaveText(['Yes', 'Yes', 'Yes']);
    await expect(row('Leave a charger shared').getByRole('cell')).toHaveText(['No', 'Yes', 'Yes']);

    const ocpp = baseURL!.replace(/^http/, 'ws') + '/ocpp';
    await expect(help.connect().locator('code')).toHaveText(ocpp);
    await expect(help.connect()).toContainText('Any OCPP 1.6J charger');
    await expect(help.keyboard()).toContainText('Escape');

    await expect(help.version()).toContainText('Charge Portal version 0.1.0');
    await expect(help.version().getByRole('heading', { name: 'Version history' })).toBeVisible();
    await expect(help.version().getByRole('listitem').filter({ hasText: 'History: the Next button works.' })).toBeVisible();

    await expectAccessible(page);
  });

  test('the page reads in Spanish', async ({ page }) => {
    const help = new HelpPage(page);
    await help.openFromMenu();
    await page.getByLabel('Language', { exact: true }).first().selectOption('es');
    await expect(help.heading()).toHaveText('Ayuda y soporte');
    await help.faq().getByText('No puedo desbloquear mi cargador. ¿Cuál es la solución?').click();
    await expect(help.faq().getByText(/espera 5 segundos y vuelve a conectarlas/)).toBeVisible();
    const share = help.roles().getByRole('row', { name: /^Compartirlo, cambiar roles/ });
    await expect(share.getByRole('cell')).toHaveText(['Sí', 'No', 'No']);
    await expect(help.roles().getByRole('columnheader')).toHaveText(['Acción', 'Propietario', 'Editor', 'Visualizador']);
    await expect(help.version()).toContainText('Charge Portal versión 0.1.0');
    await expect(help.version()).toContainText('El historial de versiones está en inglés.');
    await expect(help.send()).toHaveText('Enviar solicitud');
    await expectAccessible(page);
  });

  test('a support request is checked in the page, then sent with the charger and copied to the user', async ({ page }) => {
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const help = new HelpPage(page);
    await help.openFromMenu();

    await help.message().fill('short');
    await help.send().click();
    await expect(help.fieldError('subject')).toHaveText('This field is required.');
    await expect(help.fieldError('message')).toHaveText('Use at least 10 characters.');
    await expect(help.subject()).toBeFocused();
    await expect(help.subject()).toHaveAttribute('aria-invalid', 'true');
    await expectAccessible(page);

    const subject = `Slider stuck ${Date.now()}`;
    await help.subject().fill(subject);
    await help.message().fill('I move the slider and\nthe current does not change.');
    await help.charger().selectOption(id);
    await help.send().click();
    await expect(page.getByRole('status').filter({ hasText: `Your request was sent. A copy went to ${email}.` })).toBeVisible();
    await expect(help.fieldError('subject')).toBeHidden();
    await expect(help.subject()).toHaveValue('');
    await expect(help.charger()).toHaveValue('');

    const mailbox = new Mailbox(page.request);
    const toSupport = (await mailbox.mails(SUPPORT)).find((m) => m.subject === `[Support] ${subject}`);
    expect(toSupport, 'the request reached the support address').toBeTruthy();
    expect(toSupport!.body).toContain(`Email: ${email}`);
    expect(toSupport!.body).toContain(`ID: ${id}`);
    expect(toSupport!.body).toContain('Model: Trydan');
    expect(toSupport!.body).toContain('Link: simulated');
    expect(toSupport!.body).toContain('the current does not change.');
    const copy = (await mailbox.mails(email)).find((m) => m.subject === `We have your support request: ${subject}`);
    expect(copy!.body).toContain(`Charger: Garage (${id})`);
  });
});
