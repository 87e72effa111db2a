//! A charger's settings: one card per section, each saved on its own. Every section sends
//! the whole settings with only its own fields changed, so that sections never undo
//! each other.

mod cards;
mod general;
mod limits;
mod ocpp;
mod operations;
mod options;
mod remove;
mod sharing;
mod trydan;

use charge_model::FieldErrors;
use charge_model::charger::{ChargerDetail, ChargerId, ChargerModel, ChargerSettings, Role};
use leptos::prelude::*;

use crate::api;
use crate::components::charger_frame::{SubpageHeading, WithCharger};
use crate::components::form::Form;
use crate::i18n::{Texts, tr, use_i18n};

#[component]
pub fn ChargerSettingsPage() -> impl IntoView {
    view! { <WithCharger show=|detail, role| view! { <SettingsView detail role /> }.into_any() /> }
}

/// The settings as last saved, shared by the sections.
#[derive(Clone, Copy)]
pub struct Saved {
    id: StoredValue<ChargerId>,
    settings: RwSignal<ChargerSettings>,
}

impl Saved {
    pub fn id(&self) -> ChargerId {
        self.id.get_value()
    }

    /// The saved settings (untracked: a section's fields start from them once).
    pub fn get(&self) -> ChargerSettings {
        self.settings.get_untracked()
    }

    /// Saves the settings with `change` applied; `parse_errors` are input the section
    /// could not even read (letters in a number), shown without calling the server.
    pub fn save(
        &self,
        form: Form,
        parse_errors: FieldErrors,
        change: impl FnOnce(&mut ChargerSettings),
        done: impl FnOnce() + 'static,
    ) {
        let mut next = self.get();
        change(&mut next);
        let checked = if parse_errors.is_empty() { next.validate().map(|_| ()) } else { Err(parse_errors) };
        let (id, settings) = (self.id(), self.settings);
        form.submit(
            checked,
            move || async move { api::save_settings(&id, &next).await },
            move |detail: ChargerDetail| {
                settings.set(detail.settings);
                done();
            },
        );
    }
}

#[component]
fn SettingsView(detail: ChargerDetail, role: Signal<Role>) -> impl IntoView {
    let i18n = use_i18n();
    let summary = detail.summary;
    let saved = Saved { id: StoredValue::new(summary.id.clone()), settings: RwSignal::new(detail.settings) };
    let name = Signal::derive(move || saved.settings.with(|s| s.name.clone()));
    let title = Signal::derive(move || (i18n.t().settings_title)(&name.get()));
    let features = detail.features;
    let model = summary.model;
    let can_edit = Signal::derive(move || role.get().can_edit());
    let owner = summary.role.is_owner();
    // A real OCPP charger has its link to the portal instead of a simulated one's OCPP client.
    let link =
        detail.ocpp.clone().map(|info| view! { <ocpp::OcppLinkSection info id=summary.id.clone() owner /> });
    // A Trydan read through its local API: its address, and no cards nor operations (that
    // API has neither).
    let local = detail.trydan.is_some();
    let trydan_link =
        detail.trydan.clone().map(|info| view! { <trydan::TrydanLinkSection info id=summary.id.clone() /> });
    let ocpp_client = detail.ocpp.is_none() && !local;
    view! {
        <div class="page narrow settings-page">
            <SubpageHeading id=summary.id.clone() name title can_edit />
            <Contents model owner ocpp_link=detail.ocpp.is_some() local />
            {link}
            {trydan_link}
            <fieldset class="settings-sections" disabled=move || !can_edit.get()>
                <general::General saved id=summary.id.clone() model features />
                <limits::Limits saved />
                <options::SpecialOptions saved features />
                {ocpp_client.then(|| view! { <ocpp::OcppSection saved /> })}
            </fieldset>
            {if local {
                view! { <trydan::NotAvailable /> }.into_any()
            } else {
                view! {
                    <operations::Operations id=summary.id.clone() features can_edit />
                    <cards::Cards id=summary.id.clone() model can_edit />
                }
                    .into_any()
            }}
            // An owner stays the owner: these sections are decided once, not by `role`.
            {if summary.role.is_owner() {
                view! {
                    <sharing::SharingSection id=summary.id.clone() />
                    <remove::RemoveCharger id=summary.id.clone() />
                }
                    .into_any()
            } else {
                view! { <remove::LeaveCharger id=summary.id.clone() /> }.into_any()
            }}
        </div>
    }
}

/// Links to the page's sections (about five screens of them), by their headings' ids.
/// `ocpp_link`: a real OCPP charger; `local`: a Trydan read through its local API.
#[component]
fn Contents(model: ChargerModel, owner: bool, ocpp_link: bool, local: bool) -> impl IntoView {
    let i18n = use_i18n();
    let title = |pick: fn(&'static Texts) -> &'static str| Signal::derive(move || pick(i18n.t()));
    let mut sections = Vec::new();
    if ocpp_link {
        sections.push(("ocpp-link-title", title(|t| t.ocpp_link_title)));
    }
    if local {
        sections.push(("trydan-link-title", title(|t| t.trydan_link_title)));
    }
    sections.extend([
        ("general-title", title(|t| t.settings_general)),
        ("limits-title", title(|t| t.limits_title)),
        ("options-title", title(|t| t.options_title)),
    ]);
    if !ocpp_link && !local {
        sections.push(("ocpp-title", title(|t| t.ocpp_title)));
    }
    if local {
        sections.push(("trydan-missing-title", title(|t| t.trydan_not_available_title)));
    } else {
        sections.extend([
            ("operations-title", title(|t| t.operations_title)),
            ("cards-title", Signal::stored(model.rfid_section())),
        ]);
    }
    if owner {
        sections.push(("sharing-title", title(|t| t.sharing_title)));
        sections.push(("remove-title", title(|t| t.remove_title)));
    } else {
        sections.push(("leave-title", title(|t| t.leave_title)));
    }
    view! {
        <nav class="contents" aria-label=tr(|t| t.settings_contents)>
            <ul>
                {sections
                    .into_iter()
                    .map(|(id, label)| view! { <li><a href=format!("#{id}")>{label}</a></li> })
                    .collect_view()}
            </ul>
        </nav>
    }
}

/// The "Saved." line under a section's button.
pub fn saved_notice(saved: RwSignal<bool>) -> Signal<Option<String>> {
    let i18n = use_i18n();
    Signal::derive(move || saved.get().then(|| i18n.t().settings_saved.to_owned()))
}
