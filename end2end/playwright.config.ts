import { defineConfig } from '@playwright/test';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

// The suite runs against the release build of the portal (../dist) served by the real mock
// server on a fresh temporary database. `./tasks.sh test` builds both first.
const port = Number(process.env.E2E_PORT ?? 8181);
const baseURL = `http://127.0.0.1:${port}`;
const server = process.env.E2E_SERVER ?? path.resolve(__dirname, '../target/debug/charge-mock-server');
// E2E_DIST tests another build (a helper's own dist) without touching ../dist.
const dist = path.resolve(__dirname, process.env.E2E_DIST ?? '../dist');
const database = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'charge-portal-e2e-')), 'e2e.sqlite');

export default defineConfig({
  testDir: './tests',
  fullyParallel: true,
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 2 : 0,
  workers: 2,
  reporter: process.env.CI ? [['list'], ['html', { open: 'never' }]] : 'list',
  timeout: 30_000,
  expect: { timeout: 5_000 },
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: {
      executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
  webServer: {
    // Every test registers its own users from this one address: lift the per-address limits
    // (the server's own tests check them).
    command: `"${server}" --addr 127.0.0.1:${port} --database "${database}" --dist "${dist}" --public-url ${baseURL} --sim-random-events false --demo-account true --registrations-per-hour 100000 --email-links-per-hour 100000`,
    url: `${baseURL}/api/auth/session`,
    reuseExistingServer: false,
    timeout: 30_000,
    stdout: 'ignore',
    stderr: 'pipe',
  },
});
