//! The start page of a logged-in user: their chargers, live, and adding one.

use charge_model::charger::{ChargerSummary, PairRequest};
use charge_model::link::{OcppPairRequest, OcppPairing, TrydanPairRequest};
use charge_model::sharing::ReceivedInvitation;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api::{self, ApiError};
use crate::components::charger_status::StatusBadge;
use crate::components::choice::ChoiceGroup;
use crate::components::dialog::DialogHandle;
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextField};
use crate::components::load::{ApiErrorNote, Loaded};
use crate::components::ocpp_credentials;
use crate::components::title::use_title;
use crate::i18n::{I18n, Text, model_name, role_name, tr, use_i18n};
use crate::live::use_live;

#[component]
pub fn ChargersPage() -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    use_title(tr(|t| t.chargers_title));
    let reload = RwSignal::new(0_u32);
    let chargers = LocalResource::new(move || {
        live.access_version();
        reload.get();
        async move { api::chargers().await }
    });
    let added = RwSignal::new(None::<ListNotice>);
    let dialog = DialogHandle::new();
    let on_added = Callback::new(move |summary: ChargerSummary| {
        added.set(Some(ListNotice::Added(summary.name)));
        reload.update(|n| *n += 1);
    });

    view! {
        <div class="page">
            <div class="page-heading">
                <h1>{tr(|t| t.chargers_title)}</h1>
                <button type="button" class="button primary" on:click=move |_| dialog.open()>
                    {tr(|t| t.add_charger)}
                </button>
            </div>
            <Notice message=Signal::derive(move || added.get().map(|notice| notice.text(i18n))) />
            <Invitations notice=added reload />
            <Loaded
                resource=chargers
                show=move |list| {
                    if list.is_empty() {
                        view! { <EmptyList dialog /> }.into_any()
                    } else {
                        mark("chargers-list:data");
                        view! { <ChargerGrid list /> }.into_any()
                    }
                }
                on_error=Box::new(move |error| view! { <LoadError error reload /> }.into_any())
            />
            <AddChargerDialog dialog on_added />
        </div>
    }
}

/// What the list says happened, worded in the current language when shown, so that it
/// follows a language switch.
#[derive(Clone)]
enum ListNotice {
    /// A charger was paired, by its name.
    Added(String),
    /// An invitation to this charger was accepted.
    Accepted(String),
    /// An invitation to this charger was declined.
    Declined(String),
}

impl ListNotice {
    fn text(&self, i18n: I18n) -> String {
        let t = i18n.t();
        match self {
            ListNotice::Added(name) => (t.charger_added)(name),
            ListNotice::Accepted(name) => (t.invitation_accepted)(name),
            ListNotice::Declined(name) => (t.invitation_declined)(name),
        }
    }
}

#[component]
fn ChargerGrid(list: Vec<ChargerSummary>) -> impl IntoView {
    let live = use_live();
    for charger in &list {
        live.apply(&charger.id, charger.status.clone());
    }
    // The frame after the one that showed the list: the benchmark measures data → pixels.
    request_animation_frame(|| request_animation_frame(|| mark("chargers-list:painted")));
    view! {
        <ul class="charger-grid" aria-label=tr(|t| t.chargers_title)>
            {list.into_iter().map(|charger| view! { <ChargerCard charger /> }).collect_view()}
        </ul>
    }
}

#[component]
fn ChargerCard(charger: ChargerSummary) -> impl IntoView {
    let i18n = use_i18n();
    let live = use_live();
    let status = live.status(&charger.id);
    // An offline charger's lock state is not known.
    let locked = Memo::new(move |_| status.with(|s| s.as_ref().filter(|s| s.online).map(|s| s.locked)));
    let href = format!("/chargers/{}", charger.id);
    let cover = crate::assets::cover(charger.cover);
    let role = charger.role;
    let model = charger.model;
    view! {
        <li class="charger-card">
            <img class="cover" src=cover alt="" width="320" height="120" />
            <div class="charger-card-body">
                <h2>
                    <a href=href class="stretched">{charger.name}</a>
                </h2>
                <p class="muted">
                    {move || model_name(model, i18n.t())} " · " <span class="role">{move || role_name(role, i18n)}</span>
                    {charger.shared_by.map(|owner| view! { " · " {move || (i18n.t().shared_by)(&owner)} })}
                </p>
                <p class="charger-card-status">
                    <StatusBadge status />
                    <span class="lock-state">
                        {move || match locked.get() {
                            Some(true) => i18n.t().locked,
                            Some(false) => i18n.t().unlocked,
                            None => "",
                        }}
                    </span>
                </p>
            </div>
        </li>
    }
}

/// Invitations to share someone's charger, each accepted or declined here. The list follows
/// the live stream: a new invitation appears without a reload.
#[component]
fn Invitations(
    /// Where to say what happened.
    notice: RwSignal<Option<ListNotice>>,
    /// Bumped to reload the list of chargers after an acceptance.
    reload: RwSignal<u32>,
) -> impl IntoView {
    let live = use_live();
    let refresh = RwSignal::new(0_u32);
    let invitations = LocalResource::new(move || {
        live.access_version();
        refresh.get();
        api::invitations()
    });
    view! {
        {move || {
                // Nothing while loading; a failure here must not hide the chargers: the list
                // below reports errors.
                let list = invitations.get().and_then(Result::ok).unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <section class="card invitations" aria-labelledby="invitations-title">
                        <h2 id="invitations-title">{tr(|t| t.invitations_title)}</h2>
                        <ul>
                            {list
                                .into_iter()
                                .map(|invitation| view! { <InvitationRow invitation notice reload refresh /> })
                                .collect_view()}
                        </ul>
                    </section>
                })
        }}
    }
}

#[component]
fn InvitationRow(
    invitation: ReceivedInvitation,
    notice: RwSignal<Option<ListNotice>>,
    reload: RwSignal<u32>,
    refresh: RwSignal<u32>,
) -> impl IntoView {
    let i18n = use_i18n();
    let busy = RwSignal::new(false);
    let error = RwSignal::new(None::<ApiError>);
    let ReceivedInvitation { id, charger_name, owner, role, .. } = invitation;
    let name = StoredValue::new(charger_name.clone());
    let answer = move |accept: bool| {
        busy.set(true);
        error.set(None);
        leptos::task::spawn_local(async move {
            let result =
                if accept { api::accept_invitation(id).await } else { api::decline_invitation(id).await };
            busy.set(false);
            match result {
                Ok(()) => {
                    let name = name.get_value();
                    notice.set(Some(if accept {
                        ListNotice::Accepted(name)
                    } else {
                        ListNotice::Declined(name)
                    }));
                    refresh.update(|n| *n += 1);
                    reload.update(|n| *n += 1);
                }
                Err(e) => error.set(Some(e)),
            }
        });
    };
    let describe =
        move || (i18n.t().invitation_received)(&owner, &charger_name, &role_name(role, i18n).to_lowercase());
    view! {
        <li class="invitation">
            <p>{describe}</p>
            <div class="actions">
                <button type="button" class="button primary" disabled=move || busy.get() on:click=move |_| answer(true)>
                    {tr(|t| t.accept)}
                </button>
                <button type="button" class="button secondary" disabled=move || busy.get() on:click=move |_| answer(false)>
                    {tr(|t| t.decline)}
                </button>
            </div>
            <ApiErrorNote error />
        </li>
    }
}

/// A User Timing mark, read by the benchmark (`./tasks.sh bench`).
fn mark(name: &str) {
    if let Some(performance) = web_sys::window().and_then(|w| w.performance()) {
        let _ = performance.mark(name);
    }
}

#[component]
fn EmptyList(dialog: DialogHandle) -> impl IntoView {
    view! {
        <section class="card empty-state">
            <h2>{tr(|t| t.chargers_empty_title)}</h2>
            <p>{tr(|t| t.chargers_empty)}</p>
            <button type="button" class="button primary" on:click=move |_| dialog.open()>
                {tr(|t| t.add_charger)}
            </button>
        </section>
    }
}

#[component]
fn LoadError(error: ApiError, reload: RwSignal<u32>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="form-error" role="alert">
            <p>{move || i18n.error(&error)}</p>
            <button type="button" class="button secondary" on:click=move |_| reload.update(|n| *n += 1)>
                {tr(|t| t.try_again)}
            </button>
        </div>
    }
}

/// What kind of charger is being added.
#[derive(Clone, Copy, PartialEq)]
enum AddKind {
    /// A V2C charger, by the ID on its label.
    V2c,
    /// Any OCPP 1.6J charger, by the charge point ID set in its OCPP settings.
    Ocpp,
    /// A V2C Trydan on the server's network, by its address (read through its local API).
    Trydan,
}

/// Pairs a V2C charger by the ID on its label, an OCPP charger by its charge point ID
/// (then shows what to enter in the charger, and waits for it to connect), or a Trydan on the
/// server's network by its address; with a name of the user's choosing.
#[component]
fn AddChargerDialog(dialog: DialogHandle, on_added: Callback<ChargerSummary>) -> impl IntoView {
    let form = Form::new("add-charger");
    let kind = RwSignal::new(AddKind::V2c);
    let id = RwSignal::new(String::new());
    let point = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    // An OCPP charger just paired: its credentials are shown until the dialog closes.
    let paired = RwSignal::new(None::<OcppPairing>);
    let clear = move || {
        id.set(String::new());
        point.set(String::new());
        address.set(String::new());
        name.set(String::new());
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match kind.get_untracked() {
            AddKind::V2c => {
                let request = PairRequest { id: id.get_untracked(), name: name.get_untracked() };
                let checked = request.validate().map(|_| ());
                form.submit(
                    checked,
                    move || async move { api::pair_charger(&request).await },
                    move |summary| {
                        dialog.close();
                        clear();
                        on_added.run(summary);
                    },
                );
            }
            AddKind::Ocpp => {
                let request =
                    OcppPairRequest { charge_point_id: point.get_untracked(), name: name.get_untracked() };
                let checked = request.validate().map(|_| ());
                form.submit(
                    checked,
                    move || async move { api::pair_ocpp(&request).await },
                    move |pairing| {
                        clear();
                        paired.set(Some(pairing));
                    },
                );
            }
            AddKind::Trydan => {
                let request =
                    TrydanPairRequest { address: address.get_untracked(), name: name.get_untracked() };
                let checked = request.validate().map(|_| ());
                form.submit(
                    checked,
                    move || async move { api::pair_trydan(&request).await },
                    move |summary| {
                        dialog.close();
                        clear();
                        on_added.run(summary);
                    },
                );
            }
        }
    };
    // Closed by "Done", Escape or the close button: the OCPP charger is in the list.
    let on_close = move |_| {
        if let Some(pairing) = paired.get_untracked() {
            paired.set(None);
            on_added.run(pairing.charger);
        }
    };
    let kinds: Vec<(AddKind, Text)> = vec![
        (AddKind::V2c, |t| t.add_kind_v2c),
        (AddKind::Ocpp, |t| t.add_kind_ocpp),
        (AddKind::Trydan, |t| t.add_kind_trydan),
    ];
    view! {
        <dialog node_ref=dialog.node() aria-labelledby="add-charger-title" class="dialog" on:close=on_close>
            <Show
                when=move || paired.with(Option::is_none)
                fallback=move || {
                    paired.get().map(|pairing| view! { <OcppConnect pairing dialog /> })
                }
            >
                <form node_ref=form.node() on:submit=on_submit novalidate>
                    <h2 id="add-charger-title">{tr(|t| t.add_charger)}</h2>
                    <ChoiceGroup
                        name="add-kind"
                        legend=|t| t.add_kind
                        options=kinds.clone()
                        value=kind
                        on_choose=move |chosen| kind.set(chosen)
                    />
                    <p>
                        {move || match kind.get() {
                            AddKind::V2c => tr(|t| t.add_charger_intro)(),
                            AddKind::Ocpp => tr(|t| t.add_ocpp_intro)(),
                            AddKind::Trydan => tr(|t| t.add_trydan_intro)(),
                        }}
                    </p>
                    <FormError form />
                    {move || match kind.get() {
                        AddKind::V2c => view! {
                            <TextField form name="id" label=tr(|t| t.charger_id) value=id hint=tr(|t| t.charger_id_hint) />
                        }
                            .into_any(),
                        AddKind::Ocpp => view! {
                            <TextField form name="charge_point_id" label=tr(|t| t.charge_point_id) value=point hint=tr(|t| t.charge_point_id_hint) />
                        }
                            .into_any(),
                        AddKind::Trydan => view! {
                            <TextField form name="address" label=tr(|t| t.trydan_address) value=address hint=tr(|t| t.trydan_address_hint) />
                        }
                            .into_any(),
                    }}
                    <TextField form name="name" label=tr(|t| t.charger_name) value=name hint=tr(|t| t.charger_name_hint) />
                    <div class="actions">
                        <button type="button" class="button secondary" on:click=move |_| dialog.close()>
                            {tr(|t| t.cancel)}
                        </button>
                        <SubmitButton form label=tr(|t| t.add_charger_submit) pending_label=tr(|t| t.adding) />
                    </div>
                </form>
            </Show>
        </dialog>
    }
}

/// The second step of adding an OCPP charger: what to enter in it, until it connects.
#[component]
fn OcppConnect(pairing: OcppPairing, dialog: DialogHandle) -> impl IntoView {
    let status = use_live().status(&pairing.charger.id);
    let online = move || status.with(|s| s.as_ref().is_some_and(|s| s.online));
    view! {
        <div class="ocpp-connect">
            <h2 id="add-charger-title">{tr(|t| t.ocpp_connect_title)}</h2>
            <p>{tr(|t| t.ocpp_connect_intro)}</p>
            {ocpp_credentials::shown(pairing.credentials)}
            <p class="hint">{tr(|t| t.ocpp_password_once)}</p>
            <p class="connect-state" class:connected=online role="status">
                {move || if online() { tr(|t| t.ocpp_connected)() } else { tr(|t| t.ocpp_waiting)() }}
            </p>
            <div class="actions">
                <button type="button" class="button primary" on:click=move |_| dialog.close()>
                    {tr(|t| t.ocpp_done)}
                </button>
            </div>
        </div>
    }
}
