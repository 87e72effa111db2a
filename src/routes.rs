//! The app: contexts, layout and every route (the logged-out pages too, so that `trunk serve`
//! alone runs the whole portal).
//!
//! The charger list is in the main module. Every other page is in one of five groups, each
//! split into a wasm module of its own (wasm-split, in `tools/post-build.mjs`): loaded when
//! one of its pages opens, as soon as a link to it is pointed at, focused or clicked, or while
//! idle when this browser downloaded it before ([`Preloader`]).

use charge_model::account::{Account, Profile};
use charge_model::pages::PublicPage;
use js_sys::{Function, Reflect};
use leptos::ev;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos::wasm_split::{SplitLoaderError, wasm_split};
use leptos_router::components::{ParentRoute, Route, Router, Routes};
use leptos_router::path;
use wasm_bindgen::{JsCast, JsValue};

use charge_portal::api;
use charge_portal::components::bell::Bell;
use charge_portal::components::header::{LoggedOutLinks, SiteHeader};
use charge_portal::components::require_login::LoggedIn;
use charge_portal::components::split::split_page;
use charge_portal::components::user_menu::{MainNav, UserMenu};
use charge_portal::i18n::I18n;
use charge_portal::live::Live;
use charge_portal::pages::charger::ChargerPage;
use charge_portal::pages::charger_settings::ChargerSettingsPage;
use charge_portal::pages::chargers::ChargersPage;
use charge_portal::pages::help::HelpPage;
use charge_portal::pages::history::HistoryPage;
use charge_portal::pages::not_found::NotFoundPage;
use charge_portal::pages::profile::ProfilePage;
use charge_portal::pages::schedule::SchedulePage;
use charge_portal::pages::session::SessionPage;
use charge_portal::pages::statistics::{ChargerStatisticsPage, StatisticsPage};
use charge_portal::pages::tariff::TariffPage;
use charge_portal::public::public_page;
use charge_portal::session::Session;

/// The app, for the user the server named at start-up (`None`: nobody logged in).
#[component]
pub fn App(account: Option<Account>) -> impl IntoView {
    let i18n = I18n::for_app();
    provide_context(i18n);
    let session = Session::new(i18n, account);
    provide_context(session);
    provide_context(Live::new(session));
    let is_user = move || session.is_logged_in();
    save_language_choice(i18n, session);
    Preloader::start_listening();

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
                    <Route path=path!("/login") view=|| split(Page::Public(PublicPage::Login)) />
                    <Route path=path!("/register") view=|| split(Page::Public(PublicPage::Register)) />
                    <Route path=path!("/check-email") view=|| split(Page::Public(PublicPage::CheckEmail)) />
                    <Route path=path!("/confirm") view=|| split(Page::Public(PublicPage::Confirm)) />
                    <Route path=path!("/forgot-password") view=|| split(Page::Public(PublicPage::ForgotPassword)) />
                    <Route path=path!("/reset-password") view=|| split(Page::Public(PublicPage::ResetPassword)) />
                    <Route path=path!("/unsubscribe") view=|| split(Page::Public(PublicPage::Unsubscribe)) />
                    // Every other page is for a logged-in user.
                    <ParentRoute path=path!("") view=LoggedIn>
                        <Route path=path!("/") view=ChargersPage />
                        <Route path=path!("/chargers/:id") view=|| split(Page::Charger) />
                        <Route path=path!("/chargers/:id/settings") view=|| split(Page::ChargerSettings) />
                        <Route path=path!("/chargers/:id/schedule") view=|| split(Page::Schedule) />
                        <Route path=path!("/chargers/:id/tariff") view=|| split(Page::Tariff) />
                        <Route path=path!("/chargers/:id/statistics") view=|| split(Page::ChargerStatistics) />
                        <Route path=path!("/statistics") view=|| split(Page::Statistics) />
                        <Route path=path!("/history") view=|| split(Page::History) />
                        <Route path=path!("/history/:session") view=|| split(Page::Session) />
                        <Route path=path!("/profile") view=|| split(Page::Profile) />
                        <Route path=path!("/help") view=|| split(Page::Help) />
                    </ParentRoute>
                </Routes>
            </main>
        </Router>
    }
}

/// A page in a split module.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
enum Page {
    Charger,
    ChargerSettings,
    Schedule,
    Tariff,
    Statistics,
    ChargerStatistics,
    History,
    Session,
    Profile,
    Help,
    /// A logged-out page: the public bundle's, here after a session ends or under `trunk serve`.
    Public(PublicPage),
}

/// The split modules: pages opened one from another share one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Group {
    /// A charger's page (opened from the list: kept small).
    Charger,
    /// A charger's settings, schedule and tariff.
    ChargerSettings,
    /// Statistics, history and a charge's detail.
    Statistics,
    /// Profile and help.
    Account,
    /// The logged-out pages (normally served by the public bundle; here after a session ends
    /// or under `trunk serve`).
    LoggedOut,
}

impl Page {
    /// The split page a link to `path` opens (`None` for the list, in the main module, and for
    /// the logged-out pages, not preloaded from links). (`tools/split-wasm.mjs` says the same in
    /// JavaScript, to preload the modules of the page being opened.)
    fn of_link(path: &str) -> Option<Page> {
        let path = path.split(['?', '#']).next().unwrap_or_default();
        let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
        Some(match segments.as_slice() {
            ["chargers", _] => Page::Charger,
            ["chargers", _, "settings"] => Page::ChargerSettings,
            ["chargers", _, "schedule"] => Page::Schedule,
            ["chargers", _, "tariff"] => Page::Tariff,
            ["chargers", _, "statistics"] => Page::ChargerStatistics,
            ["statistics"] => Page::Statistics,
            ["history"] => Page::History,
            ["history", _] => Page::Session,
            ["profile"] => Page::Profile,
            ["help"] => Page::Help,
            _ => return None,
        })
    }

    /// Whether the page draws with ECharts, which then downloads beside its module.
    fn draws_charts(self) -> bool {
        matches!(self, Page::Statistics | Page::ChargerStatistics)
    }

    fn group(self) -> Group {
        match self {
            Page::Charger => Group::Charger,
            Page::ChargerSettings | Page::Schedule | Page::Tariff => Group::ChargerSettings,
            Page::Statistics | Page::ChargerStatistics | Page::History | Page::Session => Group::Statistics,
            Page::Profile | Page::Help => Group::Account,
            Page::Public(_) => Group::LoggedOut,
        }
    }
}

impl Group {
    const ALL: [Group; 5] =
        [Group::Charger, Group::ChargerSettings, Group::Statistics, Group::Account, Group::LoggedOut];

    /// The name of its module (`wasm_split`'s first argument below).
    fn module(self) -> &'static str {
        match self {
            Group::Charger => "charger_pages",
            Group::ChargerSettings => "charger_settings_pages",
            Group::Statistics => "statistics_pages",
            Group::Account => "account_pages",
            Group::LoggedOut => "logged_out_pages",
        }
    }

    /// Downloads and instantiates the group's module (at once when it already is).
    async fn preload(self) -> Result<(), SplitLoaderError> {
        match self {
            Group::Charger => preload_charger_pages().await,
            Group::ChargerSettings => preload_charger_settings_pages().await,
            Group::Statistics => preload_statistics_pages().await,
            Group::Account => preload_account_pages().await,
            Group::LoggedOut => preload_logged_out_pages().await,
        }
    }
}

// One split function per group: all pages of a group land in one module. The views are
// type-erased (`AnyView`) so that the main module holds no page's types.

#[wasm_split(charger_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_charger_pages))]
fn charger_pages(_page: Page) -> Result<AnyView, SplitLoaderError> {
    Ok(ChargerPage().into_any())
}

#[wasm_split(charger_settings_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_charger_settings_pages))]
fn charger_settings_pages(page: Page) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Page::Schedule => SchedulePage().into_any(),
        Page::Tariff => TariffPage().into_any(),
        _ => ChargerSettingsPage().into_any(),
    })
}

#[wasm_split(statistics_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_statistics_pages))]
fn statistics_pages(page: Page) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Page::ChargerStatistics => ChargerStatisticsPage().into_any(),
        Page::History => HistoryPage().into_any(),
        Page::Session => SessionPage().into_any(),
        _ => StatisticsPage().into_any(),
    })
}

#[wasm_split(account_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_account_pages))]
fn account_pages(page: Page) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Page::Help => HelpPage().into_any(),
        _ => ProfilePage().into_any(),
    })
}

#[wasm_split(logged_out_pages, wasm_split_path = ::leptos::wasm_split, fallible, preload(preload_logged_out_pages))]
fn logged_out_pages(page: Page) -> Result<AnyView, SplitLoaderError> {
    Ok(match page {
        Page::Public(page) => public_page(page),
        _ => NotFoundPage().into_any(),
    })
}

/// The view of a split page ([`split_page`]).
fn split(page: Page) -> impl IntoView {
    // ECharts downloads beside the page's module (already since a link to it was pointed at).
    if page.draws_charts() {
        charge_portal::charts::echarts::start_loading();
    }
    split_page(move || page.group().preload(), move || page_view(page))
}

/// The page's view, once its module is loaded (the split functions first wait for it).
async fn page_view(page: Page) -> Result<AnyView, SplitLoaderError> {
    match page.group() {
        Group::Charger => charger_pages(page).await,
        Group::ChargerSettings => charger_settings_pages(page).await,
        Group::Statistics => statistics_pages(page).await,
        Group::Account => account_pages(page).await,
        Group::LoggedOut => logged_out_pages(page).await,
    }
}

/// Loads split modules before their pages open: a group's module downloads as soon as a link
/// to one of its pages is pointed at or focused (usually there by the time the click arrives),
/// or clicked (before the router draws the page); and while the browser is idle after the app
/// started, the modules this browser downloaded before (they are kept for a year) are
/// instantiated, so that a returning user's pages open at once however they are opened.
#[derive(Clone, Copy)]
struct Preloader {
    /// Per group of `Group::ALL`: loading or loaded.
    started: StoredValue<[bool; Group::ALL.len()]>,
}

impl Preloader {
    fn start_listening() {
        let preloader = Preloader { started: StoredValue::new([false; Group::ALL.len()]) };
        let on_intent = move |target: Option<web_sys::EventTarget>| {
            let Some(page) = target
                .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
                .and_then(|element| element.closest("a[href]").ok().flatten())
                .and_then(|link| link.get_attribute("href"))
                .and_then(|href| Page::of_link(&href))
            else {
                return;
            };
            if page.draws_charts() {
                charge_portal::charts::echarts::start_loading();
            }
            preloader.start(page.group());
        };
        // All stay for the app's lifetime (a dropped handle does not remove its listener). The
        // click listener is the router's twin, added before it: it runs first.
        let _ = window_event_listener(ev::pointerover, move |ev| on_intent(ev.target()));
        let _ = window_event_listener(ev::focusin, move |ev| on_intent(ev.target()));
        let _ = window_event_listener(ev::click, move |ev| on_intent(ev.target()));
        request_idle_callback(move || {
            for group in Group::ALL.into_iter().filter(|group| downloaded_before(*group)) {
                preloader.start(group);
            }
        });
    }

    /// Downloads and instantiates `group`'s module, unless it is loading or loaded.
    fn start(self, group: Group) {
        let index = Group::ALL.iter().position(|g| *g == group).unwrap_or_default();
        if self.started.with_value(|started| started[index]) {
            return;
        }
        self.started.update_value(|started| started[index] = true);
        spawn_local(async move {
            if group.preload().await.is_err() {
                // Tried again at the next hover, or when the page opens.
                self.started.update_value(|started| started[index] = false);
            }
        });
    }
}

/// Whether this browser downloaded every file of `group`'s module before (`cpSplit.downloaded`,
/// from the inline script `tools/split-wasm.mjs` writes into `index.html`).
fn downloaded_before(group: Group) -> bool {
    let answer = || {
        let split = Reflect::get(&web_sys::window()?.into(), &JsValue::from_str("cpSplit")).ok()?;
        let downloaded =
            Reflect::get(&split, &JsValue::from_str("downloaded")).ok()?.dyn_into::<Function>().ok()?;
        downloaded.call1(&split, &JsValue::from_str(group.module())).ok()?.as_bool()
    };
    answer().unwrap_or(false)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_name_the_group_of_their_page() {
        assert_eq!(group_of_link("/chargers/ABC123"), Some(Group::Charger));
        assert_eq!(group_of_link("/chargers/ABC123/schedule?day=1"), Some(Group::ChargerSettings));
        assert_eq!(group_of_link("/chargers/ABC123/settings"), Some(Group::ChargerSettings));
        assert_eq!(group_of_link("/chargers/ABC123/tariff"), Some(Group::ChargerSettings));
        assert_eq!(group_of_link("/chargers/ABC123/statistics"), Some(Group::Statistics));
        assert_eq!(group_of_link("/statistics"), Some(Group::Statistics));
        assert_eq!(group_of_link("/history/42#top"), Some(Group::Statistics));
        assert_eq!(group_of_link("/profile"), Some(Group::Account));
        assert_eq!(group_of_link("/help"), Some(Group::Account));
        // The list is in the main module; the logged-out pages are not preloaded from links.
        assert_eq!(group_of_link("/"), None);
        assert_eq!(group_of_link("/login"), None);
        assert_eq!(group_of_link("#main"), None);
    }

    fn group_of_link(path: &str) -> Option<Group> {
        Page::of_link(path).map(Page::group)
    }

    fn draws_charts(path: &str) -> bool {
        Page::of_link(path).is_some_and(Page::draws_charts)
    }

    #[test]
    fn only_statistics_pages_draw_charts() {
        assert!(draws_charts("/statistics"));
        assert!(draws_charts("/statistics?period=year"));
        assert!(draws_charts("/chargers/ABC123/statistics"));
        assert!(!draws_charts("/history"));
        assert!(!draws_charts("/chargers/ABC123"));
        assert!(!draws_charts("/"));
    }

    #[test]
    fn every_page_has_its_group() {
        assert_eq!(Page::Charger.group(), Group::Charger);
        assert_eq!(Page::Schedule.group(), Group::ChargerSettings);
        assert_eq!(Page::Session.group(), Group::Statistics);
        assert_eq!(Page::Help.group(), Group::Account);
        assert_eq!(Page::Public(PublicPage::Unsubscribe).group(), Group::LoggedOut);
    }
}
