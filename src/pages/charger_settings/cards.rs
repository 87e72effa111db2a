//! RFID cards / e-Keys: the section is named as the model calls them (V2C's guide).

use charge_model::charger::{CardRequest, ChargerId, ChargerModel, RfidCard};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::components::form::{Form, FormError, SubmitButton, TextField};
use crate::components::load::{ApiErrorNote, Loaded, Loading};
use crate::i18n::{tr, use_i18n};

#[component]
pub fn Cards(
    id: ChargerId,
    model: ChargerModel,
    /// Whether the user may change the cards (it follows a change of role).
    #[prop(into)]
    can_edit: Signal<bool>,
) -> impl IntoView {
    let id = StoredValue::new(id);
    // Loaded again when the role changes: viewers get the codes masked.
    let cards = LocalResource::new(move || {
        can_edit.track();
        let id = id.get_value();
        async move { api::cards(&id).await }
    });
    view! {
        <section class="card" aria-labelledby="cards-title">
            <h2 id="cards-title">{model.rfid_section()}</h2>
            <p>{tr(|t| t.cards_intro)}</p>
            <Loaded resource=cards show=move |list| if list.is_empty() {
                view! { <p class="muted">{tr(|t| t.cards_empty)}</p> }.into_any()
            } else {
                view! {
                    <div class="table-scroll">
                        <table class="cards-table">
                            <caption class="visually-hidden">{model.rfid_section()}</caption>
                            <thead>
                                <tr>
                                    <th scope="col">{tr(|t| t.card_name)}</th>
                                    <th scope="col">{tr(|t| t.card_code)}</th>
                                    <th scope="col"><span class="visually-hidden">{tr(|t| t.actions)}</span></th>
                                </tr>
                            </thead>
                            <tbody>
                                {list.into_iter().map(|card| view! { <CardRow id=id.get_value() card cards can_edit /> }).collect_view()}
                            </tbody>
                        </table>
                    </div>
                }.into_any()
            } />
            {move || can_edit.get().then(|| view! { <AddCard id=id.get_value() cards /> })}
        </section>
    }
}

/// Puts `card` in the list (replacing the card with its id), keeping the list by name.
fn upsert(cards: Loading<Vec<RfidCard>>, card: RfidCard) {
    cards.update(|cards| {
        if let Some(Ok(list)) = cards {
            list.retain(|c| c.id != card.id);
            list.push(card);
            list.sort_by_key(|c| c.name.to_lowercase());
        }
    });
}

#[component]
fn CardRow(
    id: ChargerId,
    card: RfidCard,
    cards: Loading<Vec<RfidCard>>,
    can_edit: Signal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let editing = RwSignal::new(false);
    let form = Form::new("rename-card");
    let name = RwSignal::new(card.name.clone());
    let dialog = DialogHandle::new();
    let error = RwSignal::new(None::<ApiError>);
    let (card_id, code) = (card.id, card.code.clone());
    let rename = {
        let (id, code) = (id.clone(), code.clone());
        move |ev: SubmitEvent| {
            ev.prevent_default();
            let request = CardRequest { code: code.clone(), name: name.get_untracked() };
            let checked = request.validate().map(|_| ());
            let id = id.clone();
            form.submit(
                checked,
                move || async move { api::change_card(&id, card_id, &request).await },
                move |card| {
                    editing.set(false);
                    upsert(cards, card);
                },
            );
        }
    };
    let delete = Callback::new(move |()| {
        let id = id.clone();
        spawn_local(async move {
            match api::delete_card(&id, card_id).await {
                Ok(()) => cards.update(|cards| {
                    if let Some(Ok(list)) = cards {
                        list.retain(|c| c.id != card_id);
                    }
                }),
                Err(failure) => error.set(Some(failure)),
            }
        });
    });
    let card_name = card.name.clone();
    view! {
        <tr>
            <td>
                {move || if editing.get() {
                    view! {
                        <form class="inline-form" node_ref=form.node() on:submit=rename.clone() novalidate>
                            <TextField form name="name" label=tr(|t| t.card_name) value=name />
                            <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
                            <button type="button" class="button secondary" on:click=move |_| editing.set(false)>
                                {tr(|t| t.cancel)}
                            </button>
                            <FormError form />
                        </form>
                    }.into_any()
                } else {
                    view! { <span>{card_name.clone()}</span> }.into_any()
                }}
                <ApiErrorNote error />
            </td>
            <td><code>{code.clone()}</code></td>
            <td class="row-actions">
                {move || can_edit.get().then(|| {
                    let label_name = card.name.clone();
                    let delete_name = card.name.clone();
                    let body_name = card.name.clone();
                    view! {
                        <button
                            type="button"
                            class="button link"
                            hidden=move || editing.get()
                            aria-label=move || (i18n.t().rename_card)(&label_name)
                            on:click=move |_| editing.set(true)
                        >
                            {tr(|t| t.rename)}
                        </button>
                        <button
                            type="button"
                            class="button link danger"
                            aria-label=move || (i18n.t().delete_card)(&delete_name)
                            on:click=move |_| dialog.open()
                        >
                            {tr(|t| t.delete)}
                        </button>
                        <ConfirmDialog
                            handle=dialog
                            id=format!("delete-card-{card_id}")
                            title=tr(|t| t.delete_card_title)
                            body=Signal::derive(move || (i18n.t().delete_card_body)(&body_name))
                            confirm_label=tr(|t| t.delete)
                            danger=true
                            on_confirm=delete
                        />
                    }
                })}
            </td>
        </tr>
    }
}

#[component]
fn AddCard(id: ChargerId, cards: Loading<Vec<RfidCard>>) -> impl IntoView {
    let form = Form::new("add-card");
    let code = RwSignal::new(String::new());
    let name = RwSignal::new(String::new());
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let request = CardRequest { code: code.get_untracked(), name: name.get_untracked() };
        let checked = request.validate().map(|_| ());
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::add_card(&id, &request).await },
            move |card| {
                code.set(String::new());
                name.set(String::new());
                upsert(cards, card);
            },
        );
    };
    view! {
        <form class="add-card" node_ref=form.node() on:submit=on_submit novalidate>
            <h3>{tr(|t| t.add_card)}</h3>
            <FormError form />
            <div class="row">
                <TextField form name="code" label=tr(|t| t.card_code) value=code hint=tr(|t| t.card_code_hint) />
                <TextField form name="name" label=tr(|t| t.card_name) value=name />
            </div>
            <SubmitButton form label=tr(|t| t.add_card_submit) pending_label=tr(|t| t.adding) />
        </form>
    }
}
