use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::nav;
use crate::session::use_session;

/// Shows `children` to a logged-in user; sends anyone else to the login page (a full page
/// load, which brings the small public bundle) and back here afterwards.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || {
        if session.is_logged_in() {
            return children().into_any();
        }
        let here = nav::here();
        let mut login =
            if here == "/" { "/login?".to_owned() } else { format!("/login?next={}&", nav::encode(&here)) };
        if session.ended() {
            login.push_str("ended=1");
        }
        nav::replace(login.trim_end_matches(['?', '&']));
        ().into_any()
    }
}

/// The view of the parent route of every logged-in page: the page matched, behind
/// [`RequireLogin`].
#[component]
pub fn LoggedIn() -> impl IntoView {
    view! {
        <RequireLogin>
            <Outlet />
        </RequireLogin>
    }
}
