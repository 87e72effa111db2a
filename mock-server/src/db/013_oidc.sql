-- Sign-in with OpenID Connect providers.

-- An account's identities at providers: the provider's `sub` is the identity, never the email.
CREATE TABLE oidc_identities (
    provider  TEXT    NOT NULL,                 -- the provider's id in the configuration
    subject   TEXT    NOT NULL,                 -- the ID token's `sub`
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    email     TEXT    NOT NULL DEFAULT '',      -- the verified address it had, for the profile
    linked_at INTEGER NOT NULL,
    PRIMARY KEY (provider, subject)
);
-- One identity per provider and account.
CREATE UNIQUE INDEX oidc_identities_user ON oidc_identities (user_id, provider);

-- Authorization requests sent to a provider and not yet answered. Keyed by the SHA-256 of
-- `state`; `browser_hash` is the SHA-256 of a cookie of the browser that started it.
CREATE TABLE oidc_flows (
    state_hash   BLOB    PRIMARY KEY,
    browser_hash BLOB    NOT NULL,
    provider     TEXT    NOT NULL,
    nonce        TEXT    NOT NULL,
    verifier     TEXT    NOT NULL,              -- PKCE code verifier
    user_id      INTEGER REFERENCES users (id) ON DELETE CASCADE,  -- set when linking from the profile
    next         TEXT    NOT NULL,
    expires_at   INTEGER NOT NULL
);

-- A provider identity whose verified email belongs to an existing account: linked only once
-- the account's owner proves it (logs in with the password, or follows the emailed link).
CREATE TABLE oidc_pending_links (
    token_hash BLOB    PRIMARY KEY,
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    provider   TEXT    NOT NULL,
    subject    TEXT    NOT NULL,
    email      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
);
