//! Charge Portal's public bundle: the logged-out pages only, small enough to load fast.
//! This file only mounts it.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(charge_portal::public::PublicApp);
}
