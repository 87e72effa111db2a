//! Sharing (owner only): the people a charger is shared with, their roles, invitations to
//! addresses without an account yet, and sharing with someone new.

use charge_model::charger::{ChargerId, Role};
use charge_model::sharing::{ShareRequest, Sharing};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};
use crate::components::dialog::{ConfirmDialog, DialogHandle};
use crate::components::form::{Form, FormError, Notice, SelectField, SubmitButton, TextField};
use crate::components::load::{ApiErrorNote, Loaded, Loading};
use crate::i18n::{I18n, role_name, tr, use_i18n};
use crate::live::use_live;

/// Who a row is about: a person with an account, or a pending invitation.
#[derive(Clone, Copy, PartialEq)]
enum Target {
    Person(i64),
    Invitation(i64),
}

#[component]
pub fn SharingSection(id: ChargerId) -> impl IntoView {
    let id = StoredValue::new(id);
    let live = use_live();
    // Loaded at once, and again when someone accepts or declines an invitation (the server
    // pushes an access change to the owner then).
    let sharing = LocalResource::new(move || {
        live.access_version();
        let id = id.get_value();
        async move { api::sharing(&id).await }
    });
    let error = RwSignal::new(None::<ApiError>);
    let saved = RwSignal::new(None::<String>);
    // One way to run a change and show its outcome, for every row.
    let change = Callback::new(move |(target, role, done_text): (Target, Option<Role>, String)| {
        let id = id.get_value();
        error.set(None);
        saved.set(None);
        spawn_local(async move {
            let result = match (target, role) {
                (Target::Person(user), Some(role)) => api::change_share(&id, user, role).await.map(Some),
                (Target::Invitation(invitation), Some(role)) => {
                    api::change_invitation(&id, invitation, role).await.map(Some)
                }
                (Target::Person(user), None) => api::remove_share(&id, user).await.map(|()| None),
                (Target::Invitation(invitation), None) => {
                    api::revoke_invitation(&id, invitation).await.map(|()| None)
                }
            };
            match result {
                Ok(Some(now)) => sharing.set(Some(Ok(now))),
                Ok(None) => sharing.update(|s| {
                    if let Some(Ok(s)) = s {
                        match target {
                            Target::Person(user) => s.shares.retain(|share| share.user_id != user),
                            Target::Invitation(invitation) => s.invitations.retain(|i| i.id != invitation),
                        }
                    }
                }),
                Err(failure) => {
                    error.set(Some(failure));
                    return;
                }
            }
            saved.set(Some(done_text));
        });
    });

    view! {
        <section class="card" aria-labelledby="sharing-title">
            <h2 id="sharing-title">{tr(|t| t.sharing_title)}</h2>
            <p>{tr(|t| t.sharing_intro)}</p>
            <ApiErrorNote error />
            <Notice message=saved />
            <Loaded resource=sharing show=move |now| {
                if now.shares.is_empty() && now.invitations.is_empty() {
                    view! { <p class="muted">{tr(|t| t.sharing_empty)}</p> }.into_any()
                } else {
                    let rows = now
                        .shares
                        .into_iter()
                        .map(|share| {
                            let who = if share.name.is_empty() {
                                share.email.clone()
                            } else {
                                format!("{} ({})", share.name, share.email)
                            };
                            (Target::Person(share.user_id), who, share.role, false)
                        })
                        .chain(now.invitations.into_iter().map(|invitation| {
                            (Target::Invitation(invitation.id), invitation.email, invitation.role, true)
                        }))
                        .map(|(target, who, role, pending)| {
                            view! { <ShareRow target who role pending change /> }
                        })
                        .collect_view();
                    view! {
                        <div class="table-scroll">
                            <table class="shares-table">
                                <caption class="visually-hidden">{tr(|t| t.sharing_title)}</caption>
                                <thead>
                                    <tr>
                                        <th scope="col">{tr(|t| t.person)}</th>
                                        <th scope="col">{tr(|t| t.role)}</th>
                                        <th scope="col"><span class="visually-hidden">{tr(|t| t.actions)}</span></th>
                                    </tr>
                                </thead>
                                <tbody>{rows}</tbody>
                            </table>
                        </div>
                    }
                        .into_any()
                }
            } />
            <ShareForm id=id.get_value() sharing />
        </section>
    }
}

fn role_options(i18n: I18n) -> Vec<(&'static str, String)> {
    [Role::Viewer, Role::Editor]
        .into_iter()
        .map(|role| (role.tag(), role_name(role, i18n).to_owned()))
        .collect()
}

#[component]
fn ShareRow(
    target: Target,
    who: String,
    role: Role,
    pending: bool,
    /// Applies a new role (`Some`) or removes the row (`None`), with the text to show after.
    change: Callback<(Target, Option<Role>, String)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let dialog = DialogHandle::new();
    let key = match target {
        Target::Person(user) => format!("share-{user}"),
        Target::Invitation(invitation) => format!("invitation-{invitation}"),
    };
    let who = StoredValue::new(who);
    let on_role = move |ev: leptos::ev::Event| {
        if let Some(role) = Role::from_tag(&event_target_value(&ev)) {
            let text = (i18n.t().role_changed)(&who.get_value(), role_name(role, i18n));
            change.run((target, Some(role), text));
        }
    };
    let remove_label = move || if pending { i18n.t().revoke } else { i18n.t().remove };
    view! {
        <tr>
            <td>
                {who.get_value()}
                {pending.then(|| view! { " " <span class="badge">{tr(|t| t.invitation_pending)}</span> })}
            </td>
            <td>
                <select
                    aria-label=move || (i18n.t().role_of)(&who.get_value())
                    on:change=on_role
                >
                    {move || {
                        role_options(i18n)
                            .into_iter()
                            .map(|(tag, text)| view! { <option value=tag selected=role.tag() == tag>{text}</option> })
                            .collect_view()
                    }}
                </select>
            </td>
            <td class="row-actions">
                <button
                    type="button"
                    class="button link danger"
                    aria-label=move || format!("{} {}", remove_label(), who.get_value())
                    on:click=move |_| dialog.open()
                >
                    {remove_label}
                </button>
                <ConfirmDialog
                    handle=dialog
                    id=format!("{key}-remove")
                    title=Signal::derive(move || {
                        if pending { i18n.t().revoke_invitation_title } else { i18n.t().remove_share_title }
                    })
                    body=Signal::derive(move || (i18n.t().remove_share_body)(&who.get_value()))
                    confirm_label=Signal::derive(remove_label)
                    danger=true
                    on_confirm=Callback::new(move |()| {
                        change.run((target, None, (i18n.t().share_removed)(&who.get_value())))
                    })
                />
            </td>
        </tr>
    }
}

#[component]
fn ShareForm(id: ChargerId, sharing: Loading<Sharing>) -> impl IntoView {
    let i18n = use_i18n();
    let form = Form::new("share");
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Viewer.tag());
    let shared = RwSignal::new(None::<String>);
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        shared.set(None);
        let request = ShareRequest {
            email: email.get_untracked(),
            role: Role::from_tag(role.get_untracked()).unwrap_or(Role::Viewer),
        };
        let checked = request.validate().map(|_| ());
        let id = id.clone();
        form.submit(
            checked,
            move || async move { api::share(&id, &request).await },
            move |now: Sharing| {
                let address = email.get_untracked().trim().to_lowercase();
                shared.set(Some((i18n.t().invited)(&address)));
                sharing.set(Some(Ok(now)));
                email.set(String::new());
            },
        );
    };
    let options = Signal::derive(move || role_options(i18n));
    view! {
        <form class="share-form" node_ref=form.node() on:submit=on_submit novalidate>
            <h3>{tr(|t| t.share_with_someone)}</h3>
            <FormError form />
            <div class="row">
                <TextField form name="email" label=tr(|t| t.email) value=email kind="email" hint=tr(|t| t.share_email_hint) />
                <SelectField form name="role" label=tr(|t| t.role) options value=role />
            </div>
            <p class="hint">{tr(|t| t.roles_explained)}</p>
            <Notice message=shared />
            <SubmitButton form label=tr(|t| t.share_submit) pending_label=tr(|t| t.sharing_pending) />
        </form>
    }
}
