//! The logged-out pages (log in, register, confirm, recover, unsubscribe), as both bundles
//! draw them: the public bundle (`src/bin/public.rs`) for their own addresses, the app's after
//! a session ends or under `trunk serve`.

use charge_model::pages::PublicPage;
use leptos::prelude::*;

use crate::pages::check_email::CheckEmailPage;
use crate::pages::confirm::ConfirmPage;
use crate::pages::forgot_password::ForgotPasswordPage;
use crate::pages::login::LoginPage;
use crate::pages::register::RegisterPage;
use crate::pages::reset_password::ResetPasswordPage;
use crate::pages::unsubscribe::UnsubscribePage;

/// A logged-out page's view.
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
