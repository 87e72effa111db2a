use leptos::prelude::*;
use leptos_router::components::Outlet;

use crate::components::load::LoadingNote;
use crate::nav;
use crate::session::use_session;

/// Shows `children` to a logged-in user; sends anyone else to the login page (a full page
/// load, which brings the small public bundle) and back here afterwards.
#[component]
pub fn RequireLogin(children: ChildrenFn) -> impl IntoView {
    let session = use_session();
    move || match session.is_logged_in() {
        Some(true) => children().into_any(),
        Some(false) => {
            let here = nav::here();
            let mut login = if here == "/" {
                "/login?".to_owned()
            } else {
                format!("/login?next={}&", nav::encode(&here))
            };
            if session.ended() {
                login.push_str("ended=1");
            }
            let login = login.trim_end_matches(['?', '&']);
            nav::replace(login);
            ().into_any()
        }
        None => view! { <LoadingNote /> }.into_any(),
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
