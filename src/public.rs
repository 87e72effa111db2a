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
        Some(page) => public_page(page),
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

/// A logged-out page's view (this bundle's, and the app's after a session ends).
pub fn public_page(page: PublicPage) -> AnyView {
    match page {
        PublicPage::Login => LoginPage().into_any(),
        PublicPage::Register => RegisterPage().into_any(),
        PublicPage::CheckEmail => CheckEmailPage().into_any(),
        PublicPage::Confirm => ConfirmPage().into_any(),
        PublicPage::ForgotPassword => ForgotPasswordPage().into_any(),
        PublicPage::ResetPassword => ResetPasswordPage().into_any(),
        PublicPage::Unsubscribe => UnsubscribePage().into_any(),
    }
}
