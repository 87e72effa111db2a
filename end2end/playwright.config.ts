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
const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'charge-portal-e2e-'));
const database = path.join(workDir, 'e2e.sqlite');
// A real OpenID Connect provider (oidc-provider, in ./oidc) the portal offers as "Test ID".
const oidcPort = Number(process.env.E2E_OIDC_PORT ?? port + 1);
const oidcProviders = path.join(workDir, 'oidc-providers.json');
fs.writeFileSync(
  oidcProviders,
  JSON.stringify([
    {
      id: 'e2e',
      name: 'Test ID',
      issuer: `http://127.0.0.1:${oidcPort}`,
      client_id: 'charge-portal-e2e',
      client_secret: 'e2e-client-secret-not-for-production',
    },
  ]),
);

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
  webServer: [
    {
      command: `node oidc/provider.mjs`,
      env: { OIDC_PORT: String(oidcPort), OIDC_REDIRECT_URI: `${baseURL}/api/auth/oidc/callback` },
      url: `http://127.0.0.1:${oidcPort}/.well-known/openid-configuration`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'ignore',
    },
    {
      // Every test registers its own users from this one address: lift the per-address limits
      // (the server's own tests check them).
      command: `"${server}" --addr 127.0.0.1:${port} --database "${database}" --dist "${dist}" --public-url ${baseURL} --sim-random-events false --demo-account true --ocpp-meter-interval-secs 1 --registrations-per-hour 100000 --email-links-per-hour 100000 --oidc-providers "${oidcProviders}"`,
      url: `${baseURL}/api/auth/session`,
      reuseExistingServer: false,
      timeout: 30_000,
      stdout: 'ignore',
      stderr: 'pipe',
    },
  ],
});
