//! Modal dialogs (the native `<dialog>`: focus trap, Escape and backdrop for free).

use leptos::html;
use leptos::prelude::*;

use crate::i18n::tr;

/// Opens and closes one `<dialog>`.
#[derive(Clone, Copy)]
pub struct DialogHandle(NodeRef<html::Dialog>);

impl DialogHandle {
    pub fn new() -> DialogHandle {
        DialogHandle(NodeRef::new())
    }

    pub fn node(&self) -> NodeRef<html::Dialog> {
        self.0
    }

    pub fn open(&self) {
        if let Some(dialog) = self.0.get_untracked() {
            let _ = dialog.show_modal();
        }
    }

    pub fn close(&self) {
        if let Some(dialog) = self.0.get_untracked() {
            dialog.close();
        }
    }
}

impl Default for DialogHandle {
    fn default() -> Self {
        DialogHandle::new()
    }
}

/// Asks before an action that cannot be undone or that interrupts charging.
#[component]
pub fn ConfirmDialog(
    handle: DialogHandle,
    /// Starts the element ids (unique on the page).
    #[prop(into)]
    id: String,
    #[prop(into)] title: Signal<&'static str>,
    /// What will happen, in a sentence or two.
    #[prop(into)]
    body: Signal<String>,
    #[prop(into)] confirm_label: Signal<&'static str>,
    /// Styles the confirm button as destructive.
    #[prop(optional)]
    danger: bool,
    /// Runs after the dialog closed on "confirm".
    on_confirm: Callback<()>,
) -> impl IntoView {
    let title_id = format!("{id}-title");
    view! {
        <dialog node_ref=handle.node() aria-labelledby=title_id.clone() class="dialog">
            <h2 id=title_id.clone()>{title}</h2>
            <p>{body}</p>
            <div class="actions">
                <button type="button" class="button secondary" on:click=move |_| handle.close()>
                    {tr(|t| t.cancel)}
                </button>
                <button
                    type="button"
                    class="button primary"
                    class:danger=danger
                    on:click=move |_| {
                        handle.close();
                        on_confirm.run(());
                    }
                >
                    {confirm_label}
                </button>
            </div>
        </dialog>
    }
}
