//! The one form pattern: a [`Form`] holds the field errors, the general error and the
//! pending state; fields show their error next to them and announce it.
//! Input is checked with the same rules as the server before anything is sent.

use std::future::Future;
use std::pin::Pin;

use charge_model::FieldErrors;
use leptos::html;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::ApiError;
use crate::components::load::ErrorNote;
use crate::i18n::{I18n, tr, use_i18n};

/// State of one form.
#[derive(Clone, Copy)]
pub struct Form {
    id: &'static str,
    fields: RwSignal<FieldErrors>,
    error: RwSignal<Option<ApiError>>,
    pending: RwSignal<bool>,
    node: NodeRef<html::Form>,
    i18n: I18n,
}

impl Form {
    /// A form whose element ids start with `id`.
    pub fn new(id: &'static str) -> Form {
        Form {
            id,
            fields: RwSignal::new(FieldErrors::new()),
            error: RwSignal::new(None),
            pending: RwSignal::new(false),
            node: NodeRef::new(),
            i18n: use_i18n(),
        }
    }

    /// The `<form>` element, for `node_ref`.
    pub fn node(&self) -> NodeRef<html::Form> {
        self.node
    }

    /// The translated error of `field`, if any.
    pub fn field_error(&self, field: &'static str) -> Signal<Option<String>> {
        let (fields, i18n) = (self.fields, self.i18n);
        Signal::derive(move || fields.with(|f| f.get(field).map(|problem| i18n.problem(problem))))
    }

    /// The translated error that is not about one field.
    pub fn error(&self) -> Signal<Option<String>> {
        let (error, i18n) = (self.error, self.i18n);
        Signal::derive(move || error.with(|e| e.as_ref().map(|e| i18n.error(e))))
    }

    /// The last error from the server, to react to particular codes.
    pub fn api_error(&self) -> Signal<Option<ApiError>> {
        self.error.into()
    }

    pub fn pending(&self) -> Signal<bool> {
        self.pending.into()
    }

    pub fn element_id(&self, field: &str) -> String {
        format!("{}-{field}", self.id)
    }

    /// Shows errors found in the portal, without calling the server.
    pub fn show_field_errors(&self, errors: FieldErrors) {
        self.error.set(None);
        self.fields.set(errors);
        self.focus_first_invalid();
    }

    /// Submits: when `checked` holds field errors they are shown and nothing is sent;
    /// otherwise `call` runs, its errors are shown, and `done` gets its result.
    pub fn submit<T, Fut>(
        &self,
        checked: Result<(), FieldErrors>,
        call: impl FnOnce() -> Fut + 'static,
        done: impl FnOnce(T) + 'static,
    ) where
        T: 'static,
        Fut: Future<Output = Result<T, ApiError>> + 'static,
    {
        if let Err(errors) = checked {
            self.show_field_errors(errors);
            return;
        }
        self.run(Box::pin(async move { call().await.map(done) }));
    }

    /// The part of [`Form::submit`] that does not depend on the call's type (compiled once).
    fn run(&self, call: Pin<Box<dyn Future<Output = Result<(), ApiError>>>>) {
        if self.pending.get_untracked() {
            return;
        }
        let form = *self;
        form.pending.set(true);
        spawn_local(async move {
            let result = call.await;
            form.pending.set(false);
            match result {
                Ok(()) => {
                    form.fields.set(FieldErrors::new());
                    form.error.set(None);
                }
                Err(error) => form.show(error),
            }
        });
    }

    fn show(&self, error: ApiError) {
        match &error {
            ApiError::Status { body, .. } if !body.fields.is_empty() => {
                self.fields.set(FieldErrors::from_body(body));
                self.error.set(None);
                self.focus_first_invalid();
            }
            _ => {
                self.fields.set(FieldErrors::new());
                self.error.set(Some(error));
            }
        }
    }

    fn focus_first_invalid(&self) {
        let node = self.node;
        request_animation_frame(move || {
            let invalid = node
                .get_untracked()
                .and_then(|form| form.query_selector("[aria-invalid='true']").ok().flatten());
            if let Some(element) =
                invalid.and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
            {
                let _ = element.focus();
            }
        });
    }
}

/// A labelled text input with its error and hint beneath it.
#[component]
pub fn TextField(
    form: Form,
    /// The field's name, as the server names it in validation errors.
    name: &'static str,
    /// The visible label.
    #[prop(into)]
    label: Signal<&'static str>,
    /// The value, bound both ways.
    value: RwSignal<String>,
    /// The input type: `text`, `email`, `password`, `number`…
    #[prop(into, default = Signal::stored("text"))]
    kind: Signal<&'static str>,
    /// The `autocomplete` hint for password managers and browsers.
    #[prop(default = "off")]
    autocomplete: &'static str,
    /// A help line under the field.
    #[prop(optional, into)]
    hint: Option<Signal<&'static str>>,
    /// Marks the label "(optional)".
    #[prop(optional)]
    optional: bool,
    /// Extra attributes for numbers: `inputmode`, `step`.
    #[prop(optional)]
    decimal: bool,
) -> impl IntoView {
    let id = form.element_id(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = form.field_error(name);
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>
                {label}
                {optional.then(|| view! { <span class="optional">" (" {tr(|t| t.optional)} ")"</span> })}
            </label>
            <input
                id=id
                name=name
                type=kind
                autocomplete=autocomplete
                inputmode=decimal.then_some("decimal")
                step=decimal.then_some("any")
                required=!optional
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                bind:value=value
            />
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled multi-line text box with its error and hint beneath it.
#[component]
pub fn TextAreaField(
    form: Form,
    /// The field's name, as the server names it in validation errors.
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    value: RwSignal<String>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    /// Visible lines.
    #[prop(default = 6)]
    rows: u32,
) -> impl IntoView {
    let id = form.element_id(name);
    let error_id = format!("{id}-error");
    let hint_id = format!("{id}-hint");
    let error = form.field_error(name);
    let described_by = {
        let (error_id, hint_id) = (error_id.clone(), hint_id.clone());
        let has_hint = hint.is_some();
        move || {
            let mut ids = Vec::new();
            if error.with(Option::is_some) {
                ids.push(error_id.clone());
            }
            if has_hint {
                ids.push(hint_id.clone());
            }
            (!ids.is_empty()).then(|| ids.join(" "))
        }
    };
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <textarea
                id=id
                name=name
                rows=rows
                required=true
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=described_by
                bind:value=value
            ></textarea>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// A labelled checkbox with an optional hint.
#[component]
pub fn CheckboxField(
    form: Form,
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    checked: RwSignal<bool>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
) -> impl IntoView {
    let id = form.element_id(name);
    let hint_id = format!("{id}-hint");
    let described_by = hint.is_some().then(|| hint_id.clone());
    view! {
        <div class="field checkbox">
            <input id=id.clone() name=name type="checkbox" aria-describedby=described_by bind:checked=checked />
            <label for=id>{label}</label>
            {hint.map(|hint| view! { <p class="hint" id=hint_id>{hint}</p> })}
        </div>
    }
}

/// A labelled drop-down list with its error beneath it.
#[component]
pub fn SelectField(
    form: Form,
    name: &'static str,
    #[prop(into)] label: Signal<&'static str>,
    /// `(value, visible text)` of each option, in order.
    #[prop(into)]
    options: Signal<Vec<(&'static str, String)>>,
    /// The chosen option's value, bound both ways.
    value: RwSignal<&'static str>,
) -> impl IntoView {
    let id = form.element_id(name);
    let error_id = format!("{id}-error");
    let error = form.field_error(name);
    view! {
        <div class="field" class:invalid=move || error.with(Option::is_some)>
            <label for=id.clone()>{label}</label>
            <select
                id=id
                name=name
                aria-invalid=move || if error.with(Option::is_some) { "true" } else { "false" }
                aria-describedby=error_id.clone()
                on:change=move |ev| {
                    let chosen = event_target_value(&ev);
                    if let Some(option) = options.with_untracked(|o| o.iter().find(|o| o.0 == chosen).map(|o| o.0)) {
                        value.set(option);
                    }
                }
            >
                {move || {
                    options
                        .get()
                        .into_iter()
                        .map(|(option, text)| {
                            view! {
                                <option value=option selected=move || value.get() == option>
                                    {text}
                                </option>
                            }
                        })
                        .collect_view()
                }}
            </select>
            <p class="field-error" id=error_id aria-live="polite">
                {move || error.get()}
            </p>
        </div>
    }
}

/// The form's error that is not about a field, announced when it appears.
#[component]
pub fn FormError(form: Form) -> impl IntoView {
    view! { <ErrorNote message=form.error() /> }
}

/// A success message, announced politely.
#[component]
pub fn Notice(#[prop(into)] message: Signal<Option<String>>) -> impl IntoView {
    view! {
        <div class="notice" role="status">
            {move || message.get().map(|message| view! { <p>{message}</p> })}
        </div>
    }
}

/// The submit button; disabled and relabelled while the form is being sent.
#[component]
pub fn SubmitButton(
    form: Form,
    #[prop(into)] label: Signal<&'static str>,
    #[prop(into)] pending_label: Signal<&'static str>,
    #[prop(optional)] danger: bool,
) -> impl IntoView {
    let pending = form.pending();
    view! {
        <button type="submit" class="button primary" class:danger=danger disabled=pending aria-busy=move || pending.get().to_string()>
            {move || if pending.get() { pending_label.get() } else { label.get() }}
        </button>
    }
}
