//! The public bundle: the logged-out pages (log in, register, confirm, recover, unsubscribe) without the
//! router, which alone would be half of this bundle's size. The server serves it for
//! the paths of [`PublicPage`]; links between them are ordinary page loads of this same small, cached bundle.

use charge_model::pages::PublicPage;
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
use crate::pages::unsubscribe::UnsubscribePage;

#[component]
pub fn PublicApp() -> impl IntoView {
    provide_context(I18n::from_browser());
    let path = web_sys::window().and_then(|w| w.location().pathname().ok()).unwrap_or_default();
    let page = match PublicPage::from_path(path.trim_end_matches('/')) {
        Some(PublicPage::Login) => LoginPage().into_any(),
        Some(PublicPage::Register) => RegisterPage().into_any(),
        Some(PublicPage::CheckEmail) => CheckEmailPage().into_any(),
        Some(PublicPage::Confirm) => ConfirmPage().into_any(),
        Some(PublicPage::ForgotPassword) => ForgotPasswordPage().into_any(),
        Some(PublicPage::ResetPassword) => ResetPasswordPage().into_any(),
        Some(PublicPage::Unsubscribe) => UnsubscribePage().into_any(),
        None => NotFoundPage().into_any(),
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
