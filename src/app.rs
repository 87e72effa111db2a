//! The app bundle: contexts, layout and every route (the logged-out pages too, so that
//! `trunk serve` alone runs the whole portal).

use charge_model::account::{Account, Profile};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;

use crate::api;
use crate::components::bell::Bell;
use crate::components::header::{LoggedOutLinks, SiteHeader};
use crate::components::require_login::LoggedIn;
use crate::components::user_menu::{MainNav, UserMenu};
use crate::i18n::I18n;
use crate::live::Live;
use crate::pages::charger::ChargerPage;
use crate::pages::charger_settings::ChargerSettingsPage;
use crate::pages::chargers::ChargersPage;
use crate::pages::check_email::CheckEmailPage;
use crate::pages::confirm::ConfirmPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::help::HelpPage;
use crate::pages::history::HistoryPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::profile::ProfilePage;
use crate::pages::register::RegisterPage;
use crate::pages::reset_password::ResetPasswordPage;
use crate::pages::schedule::SchedulePage;
use crate::pages::session::SessionPage;
use crate::pages::statistics::{ChargerStatisticsPage, StatisticsPage};
use crate::pages::tariff::TariffPage;
use crate::pages::unsubscribe::UnsubscribePage;
use crate::session::Session;

/// The app, for the user the server named at start-up (`None`: nobody logged in).
#[component]
pub fn App(account: Option<Account>) -> impl IntoView {
    let i18n = I18n::from_browser();
    provide_context(i18n);
    let session = Session::new(i18n, account);
    provide_context(session);
    provide_context(Live::new(session));
    let is_user = move || session.is_logged_in();
    save_language_choice(i18n, session);

    view! {
        <Router>
            <SiteHeader nav=Box::new(move || view! { <Show when=is_user><MainNav /></Show> }.into_any())>
                <Show when=is_user fallback=LoggedOutLinks>
                    <Bell />
                    <UserMenu />
                </Show>
            </SiteHeader>
            <main id="main" tabindex="-1">
                <Routes fallback=|| view! { <NotFoundPage /> }>
                    <Route path=path!("/login") view=LoginPage />
                    <Route path=path!("/register") view=RegisterPage />
                    <Route path=path!("/check-email") view=CheckEmailPage />
                    <Route path=path!("/confirm") view=ConfirmPage />
                    <Route path=path!("/forgot-password") view=ForgotPasswordPage />
                    <Route path=path!("/reset-password") view=ResetPasswordPage />
                    <Route path=path!("/unsubscribe") view=UnsubscribePage />
                    // Every other page is for a logged-in user.
                    <ParentRoute path=path!("") view=LoggedIn>
                        <Route path=path!("/") view=ChargersPage />
                        <Route path=path!("/chargers/:id") view=ChargerPage />
                        <Route path=path!("/chargers/:id/settings") view=ChargerSettingsPage />
                        <Route path=path!("/chargers/:id/schedule") view=SchedulePage />
                        <Route path=path!("/chargers/:id/tariff") view=TariffPage />
                        <Route path=path!("/chargers/:id/statistics") view=ChargerStatisticsPage />
                        <Route path=path!("/statistics") view=StatisticsPage />
                        <Route path=path!("/history") view=HistoryPage />
                        <Route path=path!("/history/:session") view=SessionPage />
                        <Route path=path!("/profile") view=ProfilePage />
                        <Route path=path!("/help") view=HelpPage />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// Keeps a logged-in user's profile language equal to the language picked in the header.
fn save_language_choice(i18n: I18n, session: Session) {
    Effect::new(move |_| {
        let language = i18n.language();
        // Also when the account arrives: a language picked while it loaded is saved then.
        let Some(account) = session.account() else { return };
        if account.profile.language == language {
            i18n.pick_saved();
            return;
        }
        let profile = Profile { language, ..account.profile };
        spawn_local(async move {
            // A failure keeps the choice unsaved; an ended session is handled by the client.
            if let Ok(account) = api::update_profile(&profile).await {
                i18n.pick_saved();
                session.logged_in(account);
            }
        });
    });
}
