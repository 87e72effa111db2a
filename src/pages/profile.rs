//! The user's profile: details and vehicle, notifications, password, account deletion.

use charge_model::account::{Account, ChangePasswordRequest, DeleteAccountRequest, Profile};
use charge_model::notifications::{KindPreference, NotificationKind, NotificationPreferences};
use charge_model::{FieldErrors, Language, Problem};
use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextField};
use crate::components::load::{ApiErrorNote, Loaded};
use crate::components::title::use_title;
use crate::format;
use crate::i18n::{tr, use_i18n};
use crate::nav;
use crate::session::use_session;

#[component]
pub fn ProfilePage() -> impl IntoView {
    let session = use_session();
    use_title(tr(|t| t.profile_title));
    view! {
        <div class="page narrow">
            <h1>{tr(|t| t.profile_title)}</h1>
            // Read once: the form keeps its own state while it saves (and refreshes the session).
            {session.account_untracked().map(|account| view! { <ProfileForm account /> })}
            <NotificationChoices />
            <PasswordForm />
            <Providers />
            <Sessions />
            <DeleteAccount />
        </div>
    }
}

#[component]
fn ProfileForm(account: Account) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = Form::new("profile");
    let profile = account.profile;
    let name = RwSignal::new(profile.name);
    let make = RwSignal::new(profile.vehicle_make);
    let model = RwSignal::new(profile.vehicle_model);
    let battery = RwSignal::new(
        profile
            .battery_kwh
            .map(|kwh| format::number_field(&kwh.to_string(), profile.language))
            .unwrap_or_default(),
    );
    let language = RwSignal::new(profile.language);
    let saved = RwSignal::new(false);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let battery_text = battery.get_untracked();
        let battery_kwh =
            (!battery_text.trim().is_empty()).then(|| format::read_number(&battery_text).unwrap_or(f64::NAN));
        let profile = Profile {
            name: name.get_untracked(),
            vehicle_make: make.get_untracked(),
            vehicle_model: model.get_untracked(),
            battery_kwh,
            language: language.get_untracked(),
        };
        let checked = profile.validate().map(|_| ());
        form.submit(
            checked,
            move || async move { api::update_profile(&profile).await },
            move |account| {
                session.logged_in(account);
                saved.set(true);
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="profile-details-title">
            <h2 id="profile-details-title">{tr(|t| t.profile_details)}</h2>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <div class="field">
                    <span class="label">{tr(|t| t.email)}</span>
                    <p class="static-value">{account.email}</p>
                </div>
                <TextField form name="name" label=tr(|t| t.name) value=name autocomplete="name" optional=true />
                <fieldset>
                    <legend>{tr(|t| t.profile_vehicle)}</legend>
                    <div class="row">
                        <TextField form name="vehicle_make" label=tr(|t| t.vehicle_make) value=make optional=true />
                        <TextField form name="vehicle_model" label=tr(|t| t.vehicle_model) value=model optional=true />
                    </div>
                    <TextField form name="battery_kwh" label=tr(|t| t.battery_kwh) value=battery optional=true decimal=true />
                </fieldset>
                <div class="field">
                    <label for="profile-language">{tr(|t| t.language)}</label>
                    <select
                        id="profile-language"
                        aria-describedby="profile-language-hint"
                        on:change=move |ev| {
                            if let Some(choice) = Language::from_tag(&event_target_value(&ev)) {
                                language.set(choice);
                            }
                        }
                    >
                        {Language::ALL
                            .into_iter()
                            .map(|choice| {
                                view! {
                                    <option value=choice.tag() selected=move || language.get() == choice>
                                        {choice.native_name()}
                                    </option>
                                }
                            })
                            .collect_view()}
                    </select>
                    <p class="hint" id="profile-language-hint">{tr(|t| t.profile_language_hint)}</p>
                </div>
                <Notice message=Signal::derive(move || saved.get().then(|| i18n.t().profile_saved.to_owned())) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

/// Which kinds of notification the user gets, by email and in the portal: a table of
/// checkboxes, saved together.
#[component]
fn NotificationChoices() -> impl IntoView {
    let preferences = LocalResource::new(api::notification_preferences);
    view! {
        <section class="card" aria-labelledby="notify-prefs-title">
            <h2 id="notify-prefs-title">{tr(|t| t.notify_prefs_title)}</h2>
            <p class="muted" id="notify-prefs-hint">{tr(|t| t.notify_prefs_hint)}</p>
            <Loaded resource=preferences show=|loaded| view! { <NotificationForm loaded /> }.into_any() />
        </section>
    }
}

#[component]
fn NotificationForm(loaded: NotificationPreferences) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("notifications");
    let saved = RwSignal::new(false);
    let rows: Vec<(NotificationKind, RwSignal<bool>, RwSignal<bool>)> = NotificationKind::ALL
        .into_iter()
        .map(|kind| {
            let choice = loaded.of(kind);
            (kind, RwSignal::new(choice.email), RwSignal::new(choice.portal))
        })
        .collect();
    let chosen = rows.clone();
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let preferences = NotificationPreferences {
            kinds: chosen
                .iter()
                .map(|(kind, email, portal)| KindPreference {
                    kind: *kind,
                    email: email.get_untracked(),
                    portal: portal.get_untracked(),
                })
                .collect(),
        };
        let checked = preferences.validate();
        form.submit(
            checked,
            move || async move { api::save_notification_preferences(&preferences).await },
            move |_| saved.set(true),
        );
    };
    view! {
        <form node_ref=form.node() on:submit=on_submit novalidate>
            <FormError form />
            <table class="notify-prefs" aria-describedby="notify-prefs-hint">
                <thead>
                    <tr>
                        <th scope="col">{tr(|t| t.notify_prefs_kind)}</th>
                        <th scope="col">{tr(|t| t.notify_prefs_email)}</th>
                        <th scope="col">{tr(|t| t.notify_prefs_portal)}</th>
                    </tr>
                </thead>
                <tbody>
                    {rows
                        .into_iter()
                        .enumerate()
                        .map(|(index, (kind, email, portal))| {
                            let name = move || i18n.t().notify_kinds[index];
                            let email_label = move || format!("{}: {}", i18n.t().notify_prefs_email, name());
                            let portal_label = move || format!("{}: {}", i18n.t().notify_prefs_portal, name());
                            view! {
                                <tr>
                                    <th scope="row">{name}</th>
                                    <td>
                                        <input
                                            type="checkbox"
                                            name=format!("{}-email", kind.tag())
                                            aria-label=email_label
                                            bind:checked=email
                                        />
                                    </td>
                                    <td>
                                        <input
                                            type="checkbox"
                                            name=format!("{}-portal", kind.tag())
                                            aria-label=portal_label
                                            bind:checked=portal
                                        />
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
            </table>
            <Notice message=Signal::derive(move || saved.get().then(|| i18n.t().notify_prefs_saved.to_owned())) />
            <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
        </form>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("password");
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let changed = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        changed.set(false);
        let request = ChangePasswordRequest {
            current_password: current.get_untracked(),
            new_password: new.get_untracked(),
        };
        let checked = request.validate();
        form.submit(
            checked,
            move || async move { api::change_password(&request).await },
            move |()| {
                current.set(String::new());
                new.set(String::new());
                changed.set(true);
            },
        );
    };
    view! {
        <section class="card" aria-labelledby="password-title">
            <h2 id="password-title">{tr(|t| t.change_password_title)}</h2>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                // Lets password managers tie the new password to the account.
                <input type="text" class="visually-hidden" autocomplete="username" aria-hidden="true" tabindex="-1" />
                <TextField
                    form
                    name="current_password"
                    label=tr(|t| t.current_password)
                    value=current
                    kind="password"
                    autocomplete="current-password"
                />
                <TextField
                    form
                    name="new_password"
                    label=tr(|t| t.new_password)
                    value=new
                    kind="password"
                    autocomplete="new-password"
                    hint=tr(|t| t.password_hint)
                />
                <Notice message=Signal::derive(move || changed.get().then(|| i18n.t().password_changed.to_owned())) />
                <SubmitButton form label=tr(|t| t.change_password_submit) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

/// The sign-in providers linked to the account: unlink one, link another (through the
/// provider, which comes back here with `linked` or `oidc_error`).
#[component]
fn Providers() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0_u32);
    let error = RwSignal::new(None::<api::ApiError>);
    let busy = RwSignal::new(false);
    let oidc_error = nav::query("oidc_error").map(|code| charge_model::oidc::OidcFailure::from_code(&code));
    let linked = nav::query("linked");
    let data = LocalResource::new(move || {
        refresh.get();
        async move {
            let configured = api::oidc_providers().await?;
            let mut links = Vec::new();
            for provider in &configured {
                let start = format!("/api/auth/oidc/{}/start?link=true&next=%2Fprofile", provider.id);
                links.push(api::url(&start).await);
            }
            Ok::<_, api::ApiError>((configured, links, api::identities().await?))
        }
    });
    let unlink = move |provider: String| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = api::unlink_identity(&provider).await;
            busy.set(false);
            match result {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="providers-title">
            <h2 id="providers-title">{tr(|t| t.providers_title)}</h2>
            <p class="muted">{tr(|t| t.providers_intro)}</p>
            {oidc_error.map(|failure| view! { <p class="banner warning" role="alert">{move || i18n.oidc_failure(failure)}</p> })}
            <ApiErrorNote error />
            <Loaded resource=data show=move |(configured, links, mine)| {
                let linked_name = linked.as_ref().and_then(|id| configured.iter().find(|p| &p.id == id)).map(|p| p.name.clone());
                let rows = mine
                    .identities
                    .iter()
                    .map(|identity| {
                        let (name, provider) = (identity.name.clone(), identity.provider.clone());
                        let label = name.clone();
                        view! {
                            <tr>
                                <td>{name}</td>
                                <td>{identity.email.clone()}</td>
                                <td>
                                    <button
                                        type="button"
                                        class="button secondary"
                                        aria-label=move || (i18n.t().unlink_of)(&label)
                                        disabled=move || busy.get()
                                        on:click=move |_| unlink(provider.clone())
                                    >
                                        {tr(|t| t.unlink)}
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                let to_link = configured
                    .into_iter()
                    .zip(links)
                    .filter(|(p, _)| !mine.identities.iter().any(|i| i.provider == p.id))
                    .map(|(p, href)| view! { <a class="button secondary" href=href rel="external">{move || (i18n.t().link_provider)(&p.name)}</a> })
                    .collect_view();
                view! {
                    {linked_name.map(|name| view! { <p class="banner" role="status">{move || (i18n.t().provider_linked)(&name)}</p> })}
                    {(!mine.has_password).then(|| view! { <p class="hint">{tr(|t| t.providers_no_password)}</p> })}
                    {(!mine.identities.is_empty()).then(|| view! {
                        <div class="table-scroll">
                            <table class="data-table">
                                <thead>
                                    <tr>
                                        <th scope="col">{tr(|t| t.providers_title)}</th>
                                        <th scope="col">{tr(|t| t.email)}</th>
                                        <th scope="col"><span class="visually-hidden">{tr(|t| t.actions)}</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    })}
                    <div class="providers">{to_link}</div>
                }
                    .into_any()
            } />
        </section>
    }
}

/// Where the user is logged in, and a way to end any other session.
#[component]
fn Sessions() -> impl IntoView {
    let i18n = use_i18n();
    let refresh = RwSignal::new(0_u32);
    let error = RwSignal::new(None::<api::ApiError>);
    let busy = RwSignal::new(false);
    let sessions = LocalResource::new(move || {
        refresh.get();
        api::login_sessions()
    });
    let run = move |ending: Option<i64>| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result = match ending {
                Some(id) => api::end_login_session(id).await,
                None => api::end_other_login_sessions().await,
            };
            busy.set(false);
            match result {
                Ok(()) => refresh.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
        });
    };
    view! {
        <section class="card" aria-labelledby="sessions-title">
            <h2 id="sessions-title">{tr(|t| t.sessions_title)}</h2>
            <p class="muted">{tr(|t| t.sessions_intro)}</p>
            <ApiErrorNote error />
            <Loaded resource=sessions show=move |list| {
                            let others = list.iter().filter(|s| !s.current).count();
                            view! {
                                <div class="table-scroll">
                                    <table class="data-table">
                                        <thead>
                                            <tr>
                                                <th scope="col">{tr(|t| t.session_device)}</th>
                                                <th scope="col">{tr(|t| t.session_address)}</th>
                                                <th scope="col">{tr(|t| t.session_last_used)}</th>
                                                <th scope="col"><span class="visually-hidden">{tr(|t| t.actions)}</span></th>
                                            </tr>
                                        </thead>
                                        <tbody>
                                            {list
                                                .into_iter()
                                                .map(|s| {
                                                    let device = device_name(&s.user_agent);
                                                    let label = device.clone();
                                                    view! {
                                                        <tr>
                                                            <td>{device}</td>
                                                            <td>{s.address}</td>
                                                            <td>{move || crate::format::date_time(s.last_seen_at, i18n.language())}</td>
                                                            <td>
                                                                {if s.current {
                                                                    view! { <span class="badge">{tr(|t| t.this_session)}</span> }.into_any()
                                                                } else {
                                                                    let aria = move || (i18n.t().end_session_of)(&label);
                                                                    view! {
                                                                        <button
                                                                            type="button"
                                                                            class="button secondary"
                                                                            aria-label=aria
                                                                            disabled=move || busy.get()
                                                                            on:click=move |_| run(Some(s.id))
                                                                        >
                                                                            {tr(|t| t.end_session)}
                                                                        </button>
                                                                    }
                                                                        .into_any()
                                                                }}
                                                            </td>
                                                        </tr>
                                                    }
                                                })
                                                .collect_view()}
                                        </tbody>
                                    </table>
                                </div>
                                {(others > 0).then(|| view! {
                                    <button type="button" class="button secondary" disabled=move || busy.get() on:click=move |_| run(None)>
                                        {tr(|t| t.end_other_sessions)}
                                    </button>
                                })}
                            }
                                .into_any()
            } />
        </section>
    }
}

/// A short name for a browser from its user agent: "Firefox on Windows", "Chrome on Android".
fn device_name(user_agent: &str) -> String {
    let browser = [("Edg/", "Edge"), ("Firefox/", "Firefox"), ("Chrome/", "Chrome"), ("Safari/", "Safari")]
        .into_iter()
        .find(|(mark, _)| user_agent.contains(mark))
        .map(|(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iOS"),
        ("iPad", "iPadOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("CrOS", "ChromeOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| user_agent.contains(mark))
    .map(|(_, name)| name);
    match (browser, system) {
        (Some(b), Some(s)) => format!("{b} · {s}"),
        (Some(b), None) => b.to_owned(),
        (None, Some(s)) => s.to_owned(),
        (None, None) if user_agent.is_empty() => "—".to_owned(),
        (None, None) => user_agent.chars().take(40).collect(),
    }
}

/// Account deletion, behind a modal dialog asking for the password.
#[component]
fn DeleteAccount() -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("delete");
    let password = RwSignal::new(String::new());
    // An account made by a provider has no password: its email address confirms instead.
    let identities = LocalResource::new(api::identities);
    let passwordless = move || identities.get().and_then(Result::ok).is_some_and(|i| !i.has_password);
    let dialog = NodeRef::<html::Dialog>::new();

    let open = move |_| {
        password.set(String::new());
        form.show_field_errors(FieldErrors::new());
        if let Some(dialog) = dialog.get_untracked() {
            let _ = dialog.show_modal();
        }
    };
    let close = move |_| {
        if let Some(dialog) = dialog.get_untracked() {
            dialog.close();
        }
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = DeleteAccountRequest { password: password.get_untracked() };
        let mut checked = request.validate();
        if request.password.is_empty() {
            let mut errors = FieldErrors::new();
            errors.add("password", Problem::Required);
            checked = Err(errors);
        }
        form.submit(
            checked,
            move || async move { api::delete_account(&request).await },
            move |()| {
                if let Some(dialog) = dialog.get_untracked() {
                    dialog.close();
                }
                nav::go("/login");
            },
        );
    };
    view! {
        <section class="card danger-zone" aria-labelledby="delete-title">
            <h2 id="delete-title">{tr(|t| t.delete_account_title)}</h2>
            <p>{tr(|t| t.delete_account_warning)}</p>
            <button type="button" class="button danger" on:click=open>
                {tr(|t| t.delete_account_button)}
            </button>
            <dialog node_ref=dialog aria-labelledby="delete-dialog-title" class="dialog">
                <form node_ref=form.node() on:submit=on_submit novalidate>
                    <h2 id="delete-dialog-title">{tr(|t| t.delete_dialog_title)}</h2>
                    <p>{move || if passwordless() { i18n.t().delete_dialog_body_no_password } else { i18n.t().delete_dialog_body }}</p>
                    <FormError form />
                    <TextField
                        form
                        name="password"
                        label=Signal::derive(move || if passwordless() { i18n.t().email } else { i18n.t().password })
                        value=password
                        kind=Signal::derive(move || if passwordless() { "email" } else { "password" })
                        autocomplete="current-password"
                    />
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=close>
                            {tr(|t| t.cancel)}
                        </button>
                        <SubmitButton
                            form
                            label=tr(|t| t.delete_confirm)
                            pending_label=tr(|t| t.saving)
                            danger=true
                        />
                    </div>
                </form>
            </dialog>
        </section>
    }
}
