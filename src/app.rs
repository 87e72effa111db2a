//! The app bundle: contexts, layout and every route.

use leptos::prelude::*;
use leptos_router::components::{ProtectedRoute, Route, Router, Routes};
use leptos_router::path;

use crate::components::header::{LoggedOutLinks, SiteHeader};
use crate::components::user_menu::{MainNav, UserMenu};
use crate::i18n::{I18n, tr};
use crate::nav;
use crate::pages::chargers::ChargersPage;
use crate::pages::check_email::CheckEmailPage;
use crate::pages::confirm::ConfirmPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::profile::ProfilePage;
use crate::pages::register::RegisterPage;
use crate::pages::reset_password::ResetPasswordPage;
use crate::session::Session;

#[component]
pub fn App() -> impl IntoView {
    let i18n = I18n::from_browser();
    provide_context(i18n);
    let session = Session::new(i18n);
    provide_context(session);
    let logged_in = move || session.is_logged_in();
    let is_user = move || logged_in() == Some(true);

    view! {
        <Router>
            <SiteHeader nav=Box::new(move || view! { <Show when=is_user><MainNav /></Show> }.into_any())>
                <Show when=is_user fallback=LoggedOutLinks>
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
                    <ProtectedRoute path=path!("/") view=ChargersPage condition=logged_in redirect_path=login_path fallback=Loading />
                    <ProtectedRoute path=path!("/profile") view=ProfilePage condition=logged_in redirect_path=login_path fallback=Loading />
                </Routes>
            </main>
        </Router>
    }
}

/// The login page, coming back to the current page afterwards.
fn login_path() -> String {
    let here = nav::here();
    if here == "/" { "/login".to_owned() } else { format!("/login?next={}", nav::encode(&here)) }
}

#[component]
fn Loading() -> impl IntoView {
    view! { <p class="loading" role="status">{tr(|t| t.loading)}</p> }
}
