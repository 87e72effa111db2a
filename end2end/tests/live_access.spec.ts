import { test, expect, uniqueEmail } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi } from './fixtures/chargers';
import { ChargerPage } from './fixtures/charger_page';
import { acceptThroughApi, changeRoleThroughApi, sharedUserId, shareThroughApi, unshareThroughApi, type SharedRole } from './fixtures/sharing';
import type { APIRequestContext, Browser, Page } from '@playwright/test';

// Two browsers: the test's own page is B, the person a charger is shared with (the suite's
// fixture fails the test on any error in its console); the owner acts from a context of
// their own. The owner's actions go through the API: what is under test is B's open page.

/** The owner, logged in in a browser context of their own, with a charger named "Garage". */
async function ownerWithCharger(browser: Browser, baseURL: string | undefined): Promise<{ owner: APIRequestContext; id: string }> {
  const context = await browser.newContext({ baseURL });
  const owner = context.request;
  const email = uniqueEmail('owner');
  await createConfirmedUser(owner, email, 'Olga');
  await logInThroughApi(owner, email);
  const id = await pairThroughApi(owner, 'trydan', 'Garage');
  return { owner, id };
}

/** Logs B in on the test's page; returns B's address. */
async function logInB(page: Page): Promise<string> {
  const email = uniqueEmail('bea');
  await createConfirmedUser(page.request, email, 'Bea');
  await logInThroughApi(page.request, email);
  return email;
}

/** Shares the charger with B, who accepts; returns B's user ID. */
async function shareWithB(owner: APIRequestContext, page: Page, id: string, email: string, role: SharedRole): Promise<number> {
  await shareThroughApi(owner, id, email, role);
  await acceptThroughApi(page.request, id);
  return sharedUserId(owner, id, email);
}

/** Opens the charger's page and waits until changes are pushed to it. */
async function openCharger(page: Page, id: string): Promise<ChargerPage> {
  const charger = new ChargerPage(page);
  await charger.goto(id);
  await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();
  await expect(charger.live()).toBeVisible();
  return charger;
}

async function expectEditable(charger: ChargerPage, role: 'Editor' | 'Viewer') {
  await expect(charger.page.getByText(`Olga shared this charger with you as ${role}.`)).toBeVisible();
  const readOnly = charger.control().getByText('Only the owner and editors can change the current.');
  if (role === 'Editor') {
    await expect(charger.slider()).toBeEnabled();
    await expect(charger.lock()).toBeEnabled();
    await expect(readOnly).toHaveCount(0);
  } else {
    await expect(charger.slider()).toBeDisabled();
    await expect(charger.lock()).toBeDisabled();
    await expect(readOnly).toBeVisible();
  }
}

test.describe('Live access changes', () => {
  test('editor → viewer: the open charger page turns read-only in place, and the app keeps working', async ({ page, browser, baseURL }) => {
    const { owner, id } = await ownerWithCharger(browser, baseURL);
    const email = await logInB(page);
    const userId = await shareWithB(owner, page, id, email, 'editor');
    const charger = await openCharger(page, id);
    await expectEditable(charger, 'Editor');

    await changeRoleThroughApi(owner, id, userId, 'viewer');
    await expectEditable(charger, 'Viewer');
    await expect(page.getByRole('heading', { level: 1, name: 'Garage' })).toBeVisible();

    // Links still lead somewhere: the list, then the charger again.
    await charger.breadcrumbs().getByRole('link', { name: 'Your chargers' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Garage' }) })).toContainText('Viewer · shared by Olga');
    await page.getByRole('link', { name: 'Garage' }).click();
    await expect(page).toHaveURL(new RegExp(`/chargers/${id}$`));
    await expectEditable(charger, 'Viewer');
  });

  test('viewer → editor: the controls of the open charger page come alive', async ({ page, browser, baseURL }) => {
    const { owner, id } = await ownerWithCharger(browser, baseURL);
    const email = await logInB(page);
    const userId = await shareWithB(owner, page, id, email, 'viewer');
    const charger = await openCharger(page, id);
    await expectEditable(charger, 'Viewer');

    await changeRoleThroughApi(owner, id, userId, 'editor');
    await expectEditable(charger, 'Editor');
    // The controls that appeared do work.
    await charger.slider().fill('12');
    await expect(charger.control().getByText('Applied.')).toBeVisible();
    await charger.lock().click();
    await expect(charger.unlock()).toBeVisible();
  });

  test('removed while the page is open: the charger gives way to "not found" and the way back to the list', async ({ page, browser, baseURL }) => {
    const { owner, id } = await ownerWithCharger(browser, baseURL);
    const email = await logInB(page);
    const userId = await shareWithB(owner, page, id, email, 'editor');
    const charger = await openCharger(page, id);
    await expectEditable(charger, 'Editor');

    await unshareThroughApi(owner, id, userId);
    await expect(page.getByRole('heading', { level: 1, name: 'Charger not found' })).toBeVisible();
    await expect(page.getByText('This charger is no longer shared with you.')).toBeVisible();
    await expect(charger.slider()).toHaveCount(0);
    await expect(charger.control()).toHaveCount(0);

    await page.getByRole('link', { name: 'Back to your chargers' }).click();
    await expect(page).toHaveURL(/\/$/);
    await expect(page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
  });

  test('a new share appears in the open list beside the chargers already there', async ({ page, browser, baseURL }) => {
    const { owner, id } = await ownerWithCharger(browser, baseURL);
    const email = await logInB(page);
    const mine = await pairThroughApi(page.request, 'trydan', 'Mine');
    // Reach the list through the app, once the live stream is on.
    const charger = new ChargerPage(page);
    await charger.goto(mine);
    await expect(charger.live()).toBeVisible();
    await charger.breadcrumbs().getByRole('link', { name: 'Your chargers' }).click();
    await expect(page.getByRole('link', { name: 'Mine' })).toBeVisible();
    await expect(page.getByRole('link', { name: 'Garage' })).toHaveCount(0);

    await shareThroughApi(owner, id, email, 'viewer');
    const invitations = page.getByRole('region', { name: 'Invitations' });
    await expect(invitations).toContainText('Olga invites you to share “Garage” as viewer.');
    await invitations.getByRole('button', { name: 'Accept' }).click();
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Garage' }) })).toContainText('Viewer · shared by Olga');
    await expect(page.getByRole('link', { name: 'Mine' })).toBeVisible();

    // A change of role shows in the open list too.
    await changeRoleThroughApi(owner, id, await sharedUserId(owner, id, email), 'editor');
    await expect(page.getByRole('listitem').filter({ has: page.getByRole('link', { name: 'Garage' }) })).toContainText('Editor · shared by Olga');
    await page.getByRole('link', { name: 'Garage' }).click();
    await expectEditable(charger, 'Editor');
  });

  // The pages under a charger follow a change of role in place as well: what the user
  // typed and has not saved yet (`draft`) stays.
  const subpages: { link: string; title: string; draft?: { label: string; value: string } }[] = [
    { link: 'Settings', title: 'Garage: settings', draft: { label: 'Name', value: 'Garage by the gate' } },
    { link: 'Schedule', title: 'Garage: schedule', draft: { label: 'Contracted power (kW)', value: '5.75' } },
    { link: 'Tariff', title: 'Garage: tariff', draft: { label: 'Price (€/kWh)', value: '0.1234' } },
    { link: 'Statistics', title: 'Garage: statistics' },
  ];
  for (const subpage of subpages) {
    test(`${subpage.link}: a change of role applies to the open page`, async ({ page, browser, baseURL }) => {
      const { owner, id } = await ownerWithCharger(browser, baseURL);
      const email = await logInB(page);
      const userId = await shareWithB(owner, page, id, email, 'editor');
      await openCharger(page, id);
      await page.getByRole('main').getByRole('link', { name: subpage.link, exact: true }).click();
      const heading = page.getByRole('heading', { level: 1, name: subpage.title });
      await expect(heading).toBeVisible();
      const note = page.getByText('You can see these settings; only the owner and editors can change them.');
      const save = page.getByRole('button', { name: 'Save', exact: true }).first();

      const draft = subpage.draft && page.getByLabel(subpage.draft.label, { exact: true });
      const expectRole = async (role: SharedRole) => {
        await expect(heading).toBeVisible();
        if (!draft) return;
        await expect(draft).toHaveValue(subpage.draft!.value);
        if (role === 'viewer') {
          await expect(note).toBeVisible();
          await expect(save).toBeDisabled();
        } else {
          await expect(note).toHaveCount(0);
          await expect(save).toBeEnabled();
        }
      };
      // The page learns of a change by loading the charger again: wait for that, since a
      // page that shows no role (statistics) has nothing else to wait for.
      const change = async (role: SharedRole) => {
        const reloaded = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/chargers/${id}`);
        await changeRoleThroughApi(owner, id, userId, role);
        await reloaded;
        await expectRole(role);
      };
      await draft?.fill(subpage.draft!.value);
      await expectRole('editor');
      await change('viewer');
      await change('editor');

      await page.getByRole('navigation', { name: 'Breadcrumbs' }).getByRole('link', { name: 'Garage' }).click();
      await expect(page).toHaveURL(new RegExp(`/chargers/${id}$`));
      await expectEditable(new ChargerPage(page), 'Editor');
    });
  }
});
