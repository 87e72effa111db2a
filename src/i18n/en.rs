use super::Texts;

pub const EN: Texts = Texts {
    app_name: "Charge Portal",
    loading: "Loading…",
    save: "Save",
    saving: "Saving…",
    cancel: "Cancel",
    email: "Email",
    password: "Password",
    show_password: "Show password",
    name: "Name",
    optional: "optional",
    language: "Language",
    skip_to_content: "Skip to content",

    nav_main: "Main",
    nav_chargers: "Chargers",
    account_menu: "Account menu",
    profile: "Profile",
    log_out: "Log out",
    log_in: "Log in",
    register: "Create account",

    login_title: "Log in",
    login_intro: "Control and follow your chargers from anywhere.",
    login_submit: "Log in",
    login_pending: "Logging in…",
    forgot_password_link: "Forgot your password?",
    no_account: "New to Charge Portal?",
    create_account_link: "Create an account",
    resend_confirmation: "Send the confirmation link again",
    confirmation_resent: |email| format!("We sent a new confirmation link to {email}."),
    session_ended: "Your session has ended. Log in again to continue.",

    register_title: "Create your account",
    register_intro: "You will confirm your email address before your first login.",
    register_submit: "Create account",
    register_pending: "Creating your account…",
    password_hint: "At least 8 characters.",
    have_account: "Already have an account?",

    check_email_title: "Check your email",
    check_email_body: |email| {
        format!(
            "We sent a confirmation link to {email}. Follow it to activate your account: you cannot log in until you do."
        )
    },
    check_email_spam: "Can't find it? Look in your spam or junk folder, or send it again.",
    send_again: "Send it again",
    sent_again: "Sent. Any of the links we sent works for 24 hours.",

    confirming: "Confirming your email address…",
    confirmed_title: "Email confirmed",
    confirmed_body: "Your account is active. Log in to start.",
    confirm_failed_title: "This link does not work",
    confirm_failed_body: "It was already used or has expired. If you already confirmed your address, just log in; if not, ask for a new link.",
    go_to_login: "Go to log in",

    forgot_title: "Reset your password",
    forgot_intro: "Enter your account's email address and we will send you a link to choose a new password.",
    forgot_submit: "Send reset link",
    forgot_sent: |email| {
        format!("If {email} has an account, a reset link is on its way. It works once, within 1 hour.")
    },
    back_to_login: "Back to log in",

    reset_title: "Choose a new password",
    new_password: "New password",
    repeat_password: "Repeat the new password",
    reset_submit: "Change password",
    reset_done: "Your password was changed and your other sessions were closed. Log in with the new password.",
    reset_no_token: "This page needs the link from the password reset email.",
    request_new_link: "Ask for a new link",

    profile_title: "Your profile",
    profile_details: "Personal details",
    profile_vehicle: "Electric vehicle",
    vehicle_make: "Make",
    vehicle_model: "Model",
    battery_kwh: "Battery capacity (kWh)",
    notifications: "Email notifications",
    notifications_hint: "Tell me when a charge ends.",
    profile_language_hint: "Used for the portal and the emails we send you.",
    profile_saved: "Profile saved.",
    change_password_title: "Change password",
    current_password: "Current password",
    change_password_submit: "Change password",
    password_changed: "Password changed. Your other sessions were logged out.",
    delete_account_title: "Delete account",
    delete_account_warning: "Deleting your account permanently removes your data and password, and releases the chargers you own so that they can be paired again. It cannot be undone.",
    delete_account_button: "Delete account…",
    delete_dialog_title: "Delete your account?",
    delete_dialog_body: "Type your password to confirm. Your account and its data are deleted at once and for good.",
    delete_confirm: "Delete permanently",

    chargers_title: "Your chargers",
    chargers_empty: "You have no chargers yet.",

    not_found_title: "Page not found",
    not_found_body: "There is nothing at this address.",
    go_home: "Go to the start page",

    problem_required: "This field is required.",
    problem_invalid_email: "Enter a valid email address, like name@example.com.",
    problem_too_short: |min| format!("Use at least {min} characters."),
    problem_too_long: |max| format!("Use at most {max} characters."),
    problem_out_of_range: |min, max| format!("Enter a number from {min} to {max}."),
    problem_email_taken: "This email address is already registered. Log in, or recover your password.",
    problem_wrong_password: "The password is not correct.",
    problem_mismatch: "The passwords do not match.",
    problem_same_as_current: "Use a password different from the current one.",
    problem_invalid_charger_id: "The ID has 10 letters and digits, as on the label under S/N.",
    problem_unknown_charger: "No charger with this ID. Check it against the label on the side of the charger.",
    problem_charger_taken: "This charger is already registered. Ask its owner to share it with you.",
    problem_already_yours: "This charger is already in your list.",
    problem_min_above_max: "The minimum cannot be above the maximum.",
    problem_not_a_permutation: "Use each phase 1, 2 and 3 once.",
    problem_invalid_web_socket_url: "Enter a ws:// or wss:// address, like wss://csms.example.com/ocpp.",
    problem_invalid_card_code: "Enter the card code: 4 to 20 hexadecimal digits (0-9, A-F).",
    problem_duplicate_card: "This card is already registered on this charger.",

    error_network: "Cannot reach the server. Check your connection and try again.",
    error_unexpected: "The server sent an unexpected answer. Try again.",
    error_invalid_credentials: "Email or password is incorrect.",
    error_email_not_confirmed: "Confirm your email address before logging in: follow the link we emailed you.",
    error_unauthenticated: "Your session has ended. Log in again.",
    error_invalid_token: "This link does not work: it was already used or has expired.",
    error_too_many_requests: |secs| {
        let minutes = secs.div_ceil(60);
        if minutes <= 1 {
            "Too many attempts. Try again in a minute.".to_owned()
        } else {
            format!("Too many attempts. Try again in {minutes} minutes.")
        }
    },
    error_validation: "Check the highlighted fields.",
    error_internal: "Something went wrong on our side. Try again in a moment.",
};
