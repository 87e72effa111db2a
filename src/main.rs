//! Charge Portal's app bundle: every page. This file only mounts it.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(charge_portal::app::App);
}
