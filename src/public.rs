//! The public bundle: the logged-out pages (log in, register, confirm, recover) without the
//! router, which alone would be half of this bundle's size. The server serves it for
//! these paths; links between them are ordinary page loads of this same small, cached bundle.

use leptos::prelude::*;

use crate::components::header::{LoggedOutLinks, SiteHeader};
use crate::i18n::I18n;
use crate::pages::check_email::CheckEmailPage;
use crate::pages::confirm::ConfirmPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::login::LoginPage;
use crate::pages::not_found::NotFoundPage;
use crate::pages::register::RegisterPage;
use crate::pages::reset_password::ResetPasswordPage;

/// The paths this bundle serves; the server sends it for exactly these.
pub const PATHS: [&str; 6] =
    ["/login", "/register", "/check-email", "/confirm", "/forgot-password", "/reset-password"];

#[component]
pub fn PublicApp() -> impl IntoView {
    provide_context(I18n::from_browser());
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let page = match path.trim_end_matches('/') {
        "/login" => LoginPage().into_any(),
        "/register" => RegisterPage().into_any(),
        "/check-email" => CheckEmailPage().into_any(),
        "/confirm" => ConfirmPage().into_any(),
        "/forgot-password" => ForgotPasswordPage().into_any(),
        "/reset-password" => ResetPasswordPage().into_any(),
        _ => NotFoundPage().into_any(),
    };
    view! {
        <SiteHeader>
            <LoggedOutLinks />
        </SiteHeader>
        <main id="main" tabindex="-1">
            {page}
        </main>
    }
}
