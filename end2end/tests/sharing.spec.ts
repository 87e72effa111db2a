import { test, expect, uniqueEmail, appReady } from './fixtures/test';
import { createConfirmedUser, logInThroughApi } from './fixtures/accounts';
import { pairThroughApi, plugCar } from './fixtures/chargers';
import { acceptThroughApi } from './fixtures/sharing';
import { ChargerPage, SettingsPage } from './fixtures/charger_page';
import { SharingSection } from './fixtures/sharing_page';
import type { Browser, Page } from '@playwright/test';

/** A confirmed, logged-in user in a browser context of their own. */
async function person(browser: Browser, baseURL: string | undefined, prefix: string, name: string): Promise<{ page: Page; email: string }> {
  const context = await browser.newContext({ baseURL });
  const page = await context.newPage();
  const email = uniqueEmail(prefix);
  await createConfirmedUser(page.request, email, name);
  await logInThroughApi(page.request, email);
  return { page, email };
}

test.describe('Sharing', () => {
  test('owner, editor and viewer: roles apply live, and removal takes the charger away', async ({ page, browser, baseURL }) => {
    // Three browsers and three accounts: about 20 s alone, more beside another worker on 2 cores.
    test.slow();
    const ownerEmail = uniqueEmail('owner');
    await createConfirmedUser(page.request, ownerEmail, 'Olga');
    await logInThroughApi(page.request, ownerEmail);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    await plugCar(page.request, id);
    const editor = await person(browser, baseURL, 'editor', 'Eduardo');
    const viewer = await person(browser, baseURL, 'viewer', 'Vera');

    // Both have their list open while the owner shares.
    for (const p of [editor.page, viewer.page]) {
      await p.goto('/');
      await appReady(p);
      await expect(p.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
    }

    const owner = new SharingSection(page);
    await owner.goto(id);
    const sharing = owner.section();
    await expect(sharing.getByText('Not shared with anyone yet.')).toBeVisible();
    await owner.invite(editor.email, 'editor');
    await expect(sharing.getByText(`We sent ${editor.email} an invitation`)).toBeVisible();
    await owner.invite(viewer.email, 'viewer');
    await expect(owner.row(viewer.email)).toBeVisible();

    // Nothing is shared yet: each sees the invitation, without a reload, and accepts it.
    for (const [p, role] of [[editor.page, 'editor'], [viewer.page, 'viewer']] as const) {
      const invitations = p.getByRole('region', { name: 'Invitations' });
      await expect(invitations).toContainText(`Olga invites you to share “Garage” as ${role}.`);
      await invitations.getByRole('button', { name: 'Accept' }).click();
      await expect(p.getByText('Garage is now on your list.')).toBeVisible();
      await expect(invitations).toHaveCount(0);
    }

    // The charger appears for each, with their role, without a reload.
    await expect(editor.page.getByRole('listitem').filter({ has: editor.page.getByRole('link', { name: 'Garage' }) })).toContainText('Editor · shared by Olga');
    await expect(viewer.page.getByRole('listitem').filter({ has: viewer.page.getByRole('link', { name: 'Garage' }) })).toContainText('Viewer · shared by Olga');

    // A viewer cannot move the slider; an editor can.
    const asViewer = new ChargerPage(viewer.page);
    await asViewer.goto(id);
    await expect(viewer.page.getByText('Olga shared this charger with you as Viewer.')).toBeVisible();
    await expect(asViewer.slider()).toBeDisabled();
    await expect(asViewer.control().getByText('Only the owner and editors can change the current.')).toBeVisible();
    await expect(asViewer.lock()).toBeDisabled();

    const asEditor = new ChargerPage(editor.page);
    await asEditor.goto(id);
    await expect(asEditor.slider()).toBeEnabled();
    await asEditor.slider().fill('12');
    await expect(asEditor.control().getByText('Applied.')).toBeVisible();
    await expect(asEditor.power()).toHaveText('2.8 kW');
    // The viewer sees the editor's change live.
    await expect(asViewer.power()).toHaveText('2.8 kW');

    // An editor has no sharing controls.
    await new SettingsPage(editor.page).goto(id);
    await expect(editor.page.getByRole('heading', { level: 1, name: 'Garage: settings' })).toBeVisible();
    await expect(editor.page.getByRole('region', { name: 'Sharing' })).toHaveCount(0);
    await expect(editor.page.getByRole('button', { name: 'Remove charger' })).toHaveCount(0);
    await asEditor.goto(id);

    // The owner downgrades the editor: their page turns read-only without a reload.
    await owner.roleOf('Eduardo').selectOption('viewer');
    await expect(sharing.getByText(/Eduardo .* is now Viewer\./)).toBeVisible();
    await expect(asEditor.slider()).toBeDisabled();
    await expect(editor.page.getByText('Olga shared this charger with you as Viewer.')).toBeVisible();

    // The owner removes the viewer: the charger leaves their list without a reload.
    await viewer.page.goto('/');
    await expect(viewer.page.getByRole('link', { name: 'Garage' })).toBeVisible();
    await sharing.getByRole('button', { name: `Remove Vera (${viewer.email})` }).click();
    const confirm = page.getByRole('dialog', { name: 'Stop sharing?' });
    await expect(confirm).toContainText('will no longer see this charger');
    await confirm.getByRole('button', { name: 'Remove' }).click();
    await expect(owner.row(viewer.email)).toHaveCount(0);
    await expect(viewer.page.getByRole('link', { name: 'Garage' })).toHaveCount(0);
    await expect(viewer.page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();

    await page.reload();
    await expect(owner.row('Eduardo')).toContainText('Viewer');
    await editor.page.context().close();
    await viewer.page.context().close();
  });

  test('an address without an account is invited, and a bad share is explained', async ({ page }) => {
    const email = uniqueEmail('owner');
    await createConfirmedUser(page.request, email, 'Olga');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const owner = new SharingSection(page);
    await owner.goto(id);
    const sharing = owner.section();

    await owner.email().fill('not-an-address');
    await owner.share().click();
    await expect(sharing.getByText('Enter a valid email address')).toBeVisible();
    await owner.email().fill(email);
    await owner.share().click();
    await expect(sharing.getByText('This is your own address: you own this charger.')).toBeVisible();

    const newcomer = uniqueEmail('newcomer');
    await owner.email().fill(newcomer);
    await owner.share().click();
    await expect(sharing.getByText(`We sent ${newcomer} an invitation`)).toBeVisible();
    const row = owner.row(newcomer);
    await expect(row).toContainText('invited, not accepted yet');
    await owner.email().fill(newcomer);
    await owner.share().click();
    await expect(sharing.getByText('This charger is already shared with this address.')).toBeVisible();

    await page.reload();
    await row.getByRole('button', { name: `Revoke ${newcomer}` }).click();
    await page.getByRole('dialog', { name: 'Revoke the invitation?' }).getByRole('button', { name: 'Revoke' }).click();
    await expect(sharing.getByText('Not shared with anyone yet.')).toBeVisible();
  });

  test('an invitation can be declined, and then nothing is shared', async ({ page, browser, baseURL }) => {
    const email = uniqueEmail('owner');
    await createConfirmedUser(page.request, email, 'Olga');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const guest = await person(browser, baseURL, 'guest', 'Gus');
    await guest.page.goto('/');
    await appReady(guest.page);
    const shared = await page.request.post(`/api/chargers/${id}/shares`, { data: { email: guest.email, role: 'viewer' } });
    expect(shared.status()).toBe(201);

    const invitations = guest.page.getByRole('region', { name: 'Invitations' });
    await expect(invitations).toContainText('Olga invites you to share “Garage” as viewer.');
    await invitations.getByRole('button', { name: 'Decline' }).click();
    await expect(guest.page.getByText('You declined to share Garage.')).toBeVisible();
    await expect(invitations).toHaveCount(0);
    await expect(guest.page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
    const sharing = await (await page.request.get(`/api/chargers/${id}/shares`)).json();
    expect(sharing).toEqual({ shares: [], invitations: [] });
    await guest.page.context().close();
  });

  test('a shared user can leave the charger', async ({ page, browser, baseURL }) => {
    const email = uniqueEmail('owner');
    await createConfirmedUser(page.request, email, 'Olga');
    await logInThroughApi(page.request, email);
    const id = await pairThroughApi(page.request, 'trydan', 'Garage');
    const guest = await person(browser, baseURL, 'guest', 'Gus');
    const shared = await page.request.post(`/api/chargers/${id}/shares`, { data: { email: guest.email, role: 'editor' } });
    expect(shared.status()).toBe(201);
    await acceptThroughApi(guest.page.request, id);

    await new SettingsPage(guest.page).goto(id);
    await guest.page.getByRole('button', { name: 'Leave charger' }).click();
    await guest.page.getByRole('dialog', { name: 'Leave this charger?' }).getByRole('button', { name: 'Leave' }).click();
    await expect(guest.page).toHaveURL(/\/$/);
    await expect(guest.page.getByRole('heading', { name: 'No chargers yet' })).toBeVisible();
    const sharing = await (await page.request.get(`/api/chargers/${id}/shares`)).json();
    expect(sharing.shares).toEqual([]);
    await guest.page.context().close();
  });
});
