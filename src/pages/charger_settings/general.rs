//! Name, the ID to check against the label, cover picture, LED, display language, payments.

use charge_model::FieldErrors;
use charge_model::charger::{ChargerId, ChargerModel, Cover, DisplayLanguage, Features};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use super::{Saved, saved_notice};
use crate::components::form::{CheckboxField, Form, FormError, Notice, SelectField, SubmitButton, TextField};
use crate::i18n::{model_name, tr, use_i18n};

#[component]
pub fn General(saved: Saved, id: ChargerId, model: ChargerModel, features: Features) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("general");
    let start = saved.get();
    let name = RwSignal::new(start.name);
    let cover = RwSignal::new(start.cover);
    let led = RwSignal::new(start.led);
    let language = RwSignal::new(start.display_language.tag());
    let payments = RwSignal::new(start.payments);
    let done = RwSignal::new(false);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        done.set(false);
        let language = DisplayLanguage::ALL.into_iter().find(|l| l.tag() == language.get_untracked());
        saved.save(
            form,
            FieldErrors::new(),
            |s| {
                s.name = name.get_untracked();
                s.cover = cover.get_untracked();
                s.led = led.get_untracked();
                s.display_language = language.unwrap_or(s.display_language);
                s.payments = payments.get_untracked();
            },
            move || done.set(true),
        );
    };
    let languages = Signal::derive(|| {
        DisplayLanguage::ALL.into_iter().map(|l| (l.tag(), l.native_name().to_owned())).collect::<Vec<_>>()
    });
    view! {
        <section class="card" aria-labelledby="general-title">
            <h2 id="general-title">{tr(|t| t.settings_general)}</h2>
            <form node_ref=form.node() on:submit=on_submit novalidate>
                <FormError form />
                <TextField form name="name" label=tr(|t| t.charger_name) value=name />
                <div class="field">
                    <span class="label">{tr(|t| t.charger_id)}</span>
                    <p class="static-value">
                        <code class="charger-id">{id.to_string()}</code>
                        " · " {move || model_name(model, i18n.t())}
                    </p>
                    <p class="hint">{tr(|t| t.charger_id_check)}</p>
                </div>
                <fieldset class="cover-picker">
                    <legend>{tr(|t| t.cover_picture)}</legend>
                    <div class="cover-options">
                        {Cover::ALL
                            .into_iter()
                            .map(|choice| {
                                view! {
                                    <label class="cover-option">
                                        <input
                                            type="radio"
                                            name="cover"
                                            value=choice.tag()
                                            prop:checked=move || cover.get() == choice
                                            on:change=move |_| cover.set(choice)
                                        />
                                        <img src=crate::assets::cover(choice) alt="" width="120" height="45" />
                                        <span>{move || cover_name(choice, i18n.t())}</span>
                                    </label>
                                }
                            })
                            .collect_view()}
                    </div>
                </fieldset>
                <SelectField form name="display_language" label=tr(|t| t.display_language) options=languages value=language />
                {features.led.then(|| view! { <CheckboxField form name="led" label=tr(|t| t.led) checked=led hint=tr(|t| t.led_hint) /> })}
                <CheckboxField form name="payments" label=tr(|t| t.payments) checked=payments hint=tr(|t| t.payments_hint) />
                <Notice message=saved_notice(done) />
                <SubmitButton form label=tr(|t| t.save) pending_label=tr(|t| t.saving) />
            </form>
        </section>
    }
}

fn cover_name(cover: Cover, t: &'static crate::i18n::Texts) -> &'static str {
    match cover {
        Cover::Garage => t.cover_garage,
        Cover::Driveway => t.cover_driveway,
        Cover::Carport => t.cover_carport,
        Cover::Street => t.cover_street,
        Cover::Night => t.cover_night,
    }
}
