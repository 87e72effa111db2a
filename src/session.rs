//! Who is logged in. The session itself is an HttpOnly cookie the portal cannot read;
//! `GET /api/auth/session`, asked before the app mounts, tells whether it is still valid.

use charge_model::account::Account;
use leptos::prelude::*;

use crate::api;
use crate::i18n::I18n;

/// The session, provided at the root of the app.
#[derive(Clone, Copy)]
pub struct Session {
    account: RwSignal<Option<Account>>,
    /// Set when the server ended the session under our feet (expiry, password reset elsewhere).
    ended: RwSignal<bool>,
    /// Changes only when someone logs in or out, not when the account is edited, so that
    /// protected routes do not re-render on a profile change.
    logged_in: Memo<bool>,
    i18n: I18n,
}

impl Session {
    /// The session as the server answered at start-up (`main` asks before mounting, so that
    /// the first paint is for the right user): a user logged in, or nobody.
    pub fn new(i18n: I18n, account: Option<Account>) -> Session {
        let account = RwSignal::new(account);
        let logged_in = Memo::new(move |_| account.with(Option::is_some));
        let session = Session { account, ended: RwSignal::new(false), logged_in, i18n };
        api::on_unauthenticated(move || session.ended_by_server());
        if let Some(account) = session.account.get_untracked() {
            i18n.follow_account(account.profile.language);
        }
        session
    }

    /// Whether a user is logged in.
    pub fn is_logged_in(&self) -> bool {
        self.logged_in.get()
    }

    pub fn account(&self) -> Option<Account> {
        self.account.get()
    }

    pub fn account_untracked(&self) -> Option<Account> {
        self.account.get_untracked()
    }

    /// Whether the last session ended without the user logging out.
    pub fn ended(&self) -> bool {
        self.ended.get()
    }

    /// Records a successful login (or a refreshed account) and follows the account's language.
    pub fn logged_in(&self, account: Account) {
        self.i18n.follow_account(account.profile.language);
        self.account.set(Some(account));
        self.ended.set(false);
    }

    pub fn logged_out(&self) {
        self.account.set(None);
    }

    /// The server answered "not logged in": while logged in, that means the session is over.
    fn ended_by_server(&self) {
        if self.account.with_untracked(Option::is_some) {
            self.ended.set(true);
            self.logged_out();
        }
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
