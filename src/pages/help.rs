//! Help and support: the guide's frequent questions, what each role may do, how to connect a
//! real charger, the keyboard, the version and its history, and the support request form.

use charge_model::charger::{ChargerSummary, Role};
use charge_model::support::SupportRequest;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;

use crate::api;
use crate::components::form::{Form, FormError, Notice, SubmitButton, TextAreaField, TextField};
use crate::components::load::{Loaded, Loading};
use crate::components::title::use_title;
use crate::i18n::{Texts, tr, use_i18n};
use crate::session::use_session;

/// The repository's changelog, embedded when the portal is built.
const CHANGELOG: &str = include_str!("../../CHANGELOG.md");

/// The roles in the table's column order.
const ROLES: [Role; 3] = [Role::Owner, Role::Editor, Role::Viewer];

/// The least role each row of `roles_rows` needs, as the server enforces it
/// (`mock-server/tests/api/permissions.rs`); `None` for the last row, leaving a charger
/// shared with you, which the owner cannot do.
const ROLE_ROWS: [Option<Role>; 7] = [
    Some(Role::Viewer),
    Some(Role::Editor),
    Some(Role::Editor),
    Some(Role::Editor),
    Some(Role::Owner),
    Some(Role::Owner),
    None,
];

#[component]
pub fn HelpPage() -> impl IntoView {
    let i18n = use_i18n();
    use_title(tr(|t| t.help_title));
    let endpoint = ocpp_endpoint();
    let changelog = changelog_html(CHANGELOG);
    // The guide is fixed text: written as HTML once per language, which keeps the app bundle
    // far smaller than a view of some seventy elements would.
    view! {
        <div class="page narrow help">
            <div inner_html=move || guide_html(i18n.t(), &endpoint, &changelog)></div>
            <SupportForm />
        </div>
    }
}

/// Everything but the support form, in the language of `t`, as HTML.
fn guide_html(t: &'static Texts, endpoint: &str, changelog: &str) -> String {
    let mut html =
        format!("<h1>{}</h1><p class=\"intro\">{}</p>", escape(t.help_title), escape(t.help_intro));
    let section = |html: &mut String, id: &str, title: &str, intro: &str| {
        html.push_str(&format!(
            "<section class=\"card\" aria-labelledby=\"{id}\"><h2 id=\"{id}\">{}</h2>",
            escape(title)
        ));
        if !intro.is_empty() {
            html.push_str(&format!("<p>{}</p>", escape(intro)));
        }
    };

    section(&mut html, "help-faq", t.faq_title, "");
    for (question, answer) in t.faq {
        html.push_str(&format!(
            "<details class=\"faq\"><summary>{}</summary><p>{}</p></details>",
            escape(question),
            escape(answer)
        ));
    }
    html.push_str("</section>");

    section(&mut html, "help-roles", t.roles_title, t.roles_intro);
    html.push_str(&format!(
        "<div class=\"table-scroll\"><table class=\"data-table roles\"><thead><tr><th scope=\"col\">{}</th>",
        escape(t.roles_action)
    ));
    // The same order as `ROLES`.
    for name in [t.role_owner, t.role_editor, t.role_viewer] {
        html.push_str(&format!("<th scope=\"col\">{}</th>", escape(name)));
    }
    html.push_str("</tr></thead><tbody>");
    for (action, needs) in t.roles_rows.iter().zip(ROLE_ROWS) {
        html.push_str(&format!("<tr><th scope=\"row\">{}</th>", escape(action)));
        for role in ROLES {
            let may = match needs {
                Some(needs) => role >= needs,
                None => role != Role::Owner,
            };
            html.push_str(if may { "<td class=\"yes\">" } else { "<td>" });
            html.push_str(escape(if may { t.yes } else { t.no }).as_str());
            html.push_str("</td>");
        }
        html.push_str("</tr>");
    }
    html.push_str("</tbody></table></div></section>");

    section(&mut html, "help-connect", t.connect_title, t.connect_intro);
    html.push_str("<ol>");
    for step in t.connect_steps {
        html.push_str(&format!("<li>{}</li>", escape(step)));
    }
    html.push_str(&format!(
        "</ol><div class=\"table-scroll\"><table class=\"data-table\"><thead><tr><th scope=\"col\">{}</th>\
         <th scope=\"col\">{}</th></tr></thead><tbody><tr><th scope=\"row\">{}</th><td><code>{}</code> ({})</td></tr>",
        escape(t.connect_setting),
        escape(t.connect_value),
        escape(t.connect_url),
        escape(endpoint),
        escape(t.connect_url_note)
    ));
    for (setting, value) in [t.connect_id, t.connect_password] {
        html.push_str(&format!(
            "<tr><th scope=\"row\">{}</th><td>{}</td></tr>",
            escape(setting),
            escape(value)
        ));
    }
    html.push_str("</tbody></table></div>");
    for note in t.connect_notes {
        html.push_str(&format!("<p>{}</p>", escape(note)));
    }
    html.push_str("</section>");

    section(&mut html, "help-keys", t.keys_title, t.keys_intro);
    html.push_str("<dl class=\"keys\">");
    for (keys, what) in t.keys {
        html.push_str(&format!("<dt><kbd>{}</kbd></dt><dd>{}</dd>", escape(keys), escape(what)));
    }
    html.push_str("</dl></section>");

    section(&mut html, "help-version", t.version_title, &(t.version_line)(env!("CARGO_PKG_VERSION")));
    html.push_str(&format!("<h3>{}</h3>", escape(t.changelog_title)));
    if !t.changelog_note.is_empty() {
        html.push_str(&format!("<p class=\"hint\">{}</p>", escape(t.changelog_note)));
    }
    html.push_str(&format!("<div class=\"changelog\" lang=\"en\">{changelog}</div></section>"));
    html
}

/// Text made safe to put inside HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

/// The OCPP URL of this portal's server, as the Add charger dialog shows it.
fn ocpp_endpoint() -> String {
    let location = web_sys::window().map(|w| w.location());
    let protocol = location.as_ref().and_then(|l| l.protocol().ok()).unwrap_or_default();
    let host = location.and_then(|l| l.host().ok()).unwrap_or_default();
    let scheme = if protocol == "https:" { "wss" } else { "ws" };
    format!("{scheme}://{host}/ocpp")
}

/// The changelog as HTML. It uses few Markdown forms, each on one line: `##` and `###`
/// headings (shown below the section's), `- ` list items and paragraphs; the `#` title is
/// the section's own.
fn changelog_html(markdown: &str) -> String {
    let mut html = String::new();
    let mut in_list = false;
    for line in markdown.lines().map(str::trim_end) {
        let (tag, text) = if let Some(text) = line.strip_prefix("### ") {
            ("h5", text)
        } else if let Some(text) = line.strip_prefix("## ") {
            ("h4", text)
        } else if let Some(text) = line.strip_prefix("- ") {
            ("li", text)
        } else if line.is_empty() || line.starts_with("# ") {
            ("", "")
        } else {
            ("p", line)
        };
        if in_list && tag != "li" {
            html.push_str("</ul>");
            in_list = false;
        }
        if tag.is_empty() {
            continue;
        }
        if tag == "li" && !in_list {
            html.push_str("<ul>");
            in_list = true;
        }
        html.push_str(&format!("<{tag}>{}</{tag}>", escape(&text.replace('`', ""))));
    }
    if in_list {
        html.push_str("</ul>");
    }
    html
}

#[component]
fn SupportForm() -> impl IntoView {
    let chargers: Loading<Vec<ChargerSummary>> = LocalResource::new(api::chargers);
    view! {
        <section class="card" aria-labelledby="help-support">
            <h2 id="help-support">{tr(|t| t.support_title)}</h2>
            <p>{tr(|t| t.support_intro)}</p>
            <Loaded resource=chargers show=|chargers| view! { <SupportFields chargers /> }.into_any() />
        </section>
    }
}

#[component]
fn SupportFields(chargers: Vec<ChargerSummary>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let form = Form::new("support");
    let subject = RwSignal::new(String::new());
    let message = RwSignal::new(String::new());
    let charger = RwSignal::new(String::new());
    let sent_to = RwSignal::new(None::<String>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        sent_to.set(None);
        let chosen = charger.get_untracked();
        let request = SupportRequest {
            subject: subject.get_untracked(),
            message: message.get_untracked(),
            charger: (!chosen.is_empty()).then_some(chosen),
        };
        let checked = request.validate().map(|_| ());
        form.submit(
            checked,
            move || async move { api::send_support_request(&request).await },
            move |()| {
                subject.set(String::new());
                message.set(String::new());
                charger.set(String::new());
                sent_to.set(Some(session.account_untracked().map(|a| a.email).unwrap_or_default()));
            },
        );
    };
    let charger_id = form.element_id("charger");
    let charger_error = form.field_error("charger");
    view! {
        <form node_ref=form.node() on:submit=on_submit novalidate>
            <FormError form />
            <TextField form name="subject" label=tr(|t| t.subject) value=subject />
            <TextAreaField form name="message" label=tr(|t| t.message) value=message hint=tr(|t| t.message_hint) />
            <div class="field" class:invalid=move || charger_error.with(Option::is_some)>
                <label for=charger_id.clone()>
                    {tr(|t| t.charger)}
                    <span class="optional">" (" {tr(|t| t.optional)} ")"</span>
                </label>
                <select
                    id=charger_id
                    name="charger"
                    aria-describedby="support-charger-hint support-charger-error"
                    aria-invalid=move || if charger_error.with(Option::is_some) { "true" } else { "false" }
                    on:change=move |ev| charger.set(event_target_value(&ev))
                    prop:value=move || charger.get()
                >
                    <option value="">{tr(|t| t.support_no_charger)}</option>
                    {chargers
                        .into_iter()
                        .map(|c| view! { <option value=c.id.to_string()>{format!("{} ({})", c.name, c.id)}</option> })
                        .collect_view()}
                </select>
                <p class="hint" id="support-charger-hint">{tr(|t| t.support_charger_hint)}</p>
                <p class="field-error" id="support-charger-error" aria-live="polite">{move || charger_error.get()}</p>
            </div>
            <Notice message=Signal::derive(move || sent_to.get().map(|email| (i18n.t().support_sent)(&email))) />
            <SubmitButton form label=tr(|t| t.support_submit) pending_label=tr(|t| t.support_pending) />
        </form>
    }
}
