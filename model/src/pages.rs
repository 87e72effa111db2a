//! The portal's public pages: the logged-out pages that the small public bundle serves.
//! Defined here once: the portal shows them, the server sends that bundle for their paths.

/// A logged-out page of the portal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PublicPage {
    Login,
    Register,
    CheckEmail,
    Confirm,
    ForgotPassword,
    ResetPassword,
    /// Turns one kind of notification email off, from the link in such an email.
    Unsubscribe,
}

impl PublicPage {
    /// Every public page.
    pub const ALL: [PublicPage; 7] = [
        PublicPage::Login,
        PublicPage::Register,
        PublicPage::CheckEmail,
        PublicPage::Confirm,
        PublicPage::ForgotPassword,
        PublicPage::ResetPassword,
        PublicPage::Unsubscribe,
    ];

    /// The page's path, as the server routes it.
    pub fn path(self) -> &'static str {
        match self {
            PublicPage::Login => "/login",
            PublicPage::Register => "/register",
            PublicPage::CheckEmail => "/check-email",
            PublicPage::Confirm => "/confirm",
            PublicPage::ForgotPassword => "/forgot-password",
            PublicPage::ResetPassword => "/reset-password",
            PublicPage::Unsubscribe => "/unsubscribe",
        }
    }

    /// The public page at exactly `path`, if it is one.
    pub fn from_path(path: &str) -> Option<PublicPage> {
        PublicPage::ALL.into_iter().find(|page| page.path() == path)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_is_found_by_its_own_path() {
        for page in PublicPage::ALL {
            assert_eq!(PublicPage::from_path(page.path()), Some(page));
        }
    }

    #[test]
    fn other_paths_are_not_public_pages() {
        for path in ["/", "", "/login/", "/Login", "/chargers/x", "/login?next=%2F"] {
            assert_eq!(PublicPage::from_path(path), None, "{path}");
        }
    }
}
