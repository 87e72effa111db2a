import { test, expect, expectAccessible, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';
import { Mailbox } from './fixtures/mailbox';
import { NotificationsPage, finishedCharge } from './fixtures/notifications_page';

test.describe('Notifications', () => {
  let email: string;
  let charger: string;

  test.beforeEach(async ({ page }) => {
    email = uniqueEmail('notify');
    await createConfirmedUser(page.request, email, 'Ana');
    await logInThroughApi(page.request, email);
    charger = await pairThroughApi(page.request, 'trydan', 'Garage');
  });

  test('a finished charge shows in the bell live, and opening the list marks it read', async ({ page }) => {
    const notifications = new NotificationsPage(page);
    await page.goto('/');
    await appReady(page);
    await notifications.expectUnread(0);

    await finishedCharge(page.request, charger);
    await notifications.expectUnread(1); // pushed, without a reload
    // And after a reload: the live stream says the count as it opens.
    await page.reload();
    await appReady(page);
    await notifications.expectUnread(1);

    await notifications.open();
    await expect(notifications.items()).toHaveCount(1);
    await expect(notifications.items().first()).toContainText('Garage');
    await expect(notifications.items().first()).toContainText('Charge finished');
    await notifications.expectUnread(0);
    await expectAccessible(page);

    // Escape closes the panel and gives the focus back to the bell.
    await page.keyboard.press('Escape');
    await expect(notifications.panel()).toBeHidden();
    await expect(notifications.bell()).toBeFocused();

    await page.reload();
    await appReady(page);
    await notifications.expectUnread(0);
    await notifications.open();
    await notifications.items().first().getByRole('link').click();
    await expect(page).toHaveURL(new RegExp(`/chargers/${charger}$`));
    await expect(notifications.panel()).toBeHidden();
  });

  test('notification choices are saved and survive a reload', async ({ page }) => {
    const notifications = new NotificationsPage(page);
    await page.goto('/profile');
    await appReady(page);
    await expect(notifications.email('Charge finished')).toBeChecked();
    await expect(notifications.email('Firmware update finished')).not.toBeChecked();
    await expect(notifications.portal('Firmware update finished')).toBeChecked();

    await notifications.email('Charge finished').uncheck();
    await notifications.email('Firmware update finished').check();
    await notifications.portal('Charger offline and back online').uncheck();
    await notifications.saveChoices().click();
    await expect(page.getByRole('status').filter({ hasText: 'Notification choices saved.' })).toBeVisible();

    await page.reload();
    await expect(notifications.email('Charge finished')).not.toBeChecked();
    await expect(notifications.email('Firmware update finished')).toBeChecked();
    await expect(notifications.portal('Charger offline and back online')).not.toBeChecked();
    await expect(notifications.portal('Charge finished')).toBeChecked();
  });

  test('the email of a finished charge has a link that turns that kind of email off without logging in', async ({ page, browser, baseURL }) => {
    await finishedCharge(page.request, charger);
    const mailbox = new Mailbox(page.request);
    const link = await mailbox.link(email, 'unsubscribe');
    const mail = (await mailbox.mails(email)).find((m) => m.link?.includes('/unsubscribe?token='))!;
    expect(mail.subject).toBe('Charge finished on Garage');

    const stranger = await browser.newContext({ baseURL });
    const strangerPage = await stranger.newPage();
    await strangerPage.goto(link);
    await expect(strangerPage.getByRole('heading', { name: 'Emails turned off' })).toBeVisible();
    await expect(strangerPage.getByRole('status')).toContainText('“Charge finished”');
    await expectAccessible(strangerPage);
    await stranger.close();

    const notifications = new NotificationsPage(page);
    await page.goto('/profile');
    await appReady(page);
    await expect(notifications.email('Charge finished')).not.toBeChecked();
    await expect(notifications.portal('Charge finished')).toBeChecked();
    await expect(notifications.email('Charger offline and back online')).toBeChecked();
  });
});
