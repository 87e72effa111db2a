// A real OpenID Connect provider for the end-to-end tests: panva's oidc-provider with its
// development sign-in pages (any login, any password). The login typed is the account's
// subject and its email address; one starting with "unverified" has an unverified address.
//
//   OIDC_PORT=8182 OIDC_REDIRECT_URI=http://127.0.0.1:8181/api/auth/oidc/callback node provider.mjs
import Provider from 'oidc-provider';

const port = Number(process.env.OIDC_PORT ?? 8182);
const redirectUri = process.env.OIDC_REDIRECT_URI ?? 'http://127.0.0.1:8181/api/auth/oidc/callback';
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: 'charge-portal-e2e',
      client_secret: 'e2e-client-secret-not-for-production',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code'],
      response_types: ['code'],
    },
  ],
  pkce: { required: () => true },
  // Put the email in the ID token itself, as Google and Apple do (not only behind userinfo).
  conformIdTokenClaims: false,
  claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
  async findAccount(ctx, sub) {
    return {
      accountId: sub,
      async claims() {
        return { sub, email: sub, email_verified: !sub.startsWith('unverified'), name: 'E2E Provider User' };
      },
    };
  },
  // Development keys are generated at start-up: fine for a throw-away test provider.
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ['e2e-cookie-key-not-for-production'] },
});
// Plain HTTP on loopback: the provider is told it is not behind a TLS proxy.
provider.proxy = false;

provider.listen(port, '127.0.0.1', () => {
  console.log(`OpenID provider for the e2e tests at ${issuer}`);
});
