//! The notification emails, in the recipient's language.

use charge_model::Language;
use charge_model::charger::Role;
use charge_model::notifications::{NotificationEvent, NotificationKind};
use charge_model::plan::PlanError;

use super::store::Recipient;
use crate::mail::Mail;

/// The email telling `recipient` about `event` on the charger `charger` (its name), with a
/// link to the charger and the link that turns this kind's emails off.
pub fn notification(
    recipient: &Recipient,
    charger: &str,
    event: &NotificationEvent,
    charger_link: &str,
    unsubscribe: String,
) -> Mail {
    let language = recipient.language;
    let (subject, text) = match language {
        Language::En => english(charger, event),
        Language::Es => spanish(charger, event),
    };
    let kind = kind_name(event.kind(), language);
    let body = match language {
        Language::En => format!(
            "{text}\n\nSee the charger: {charger_link}\n\n\
             You get this email because \"{kind}\" emails are on in your Charge Portal profile. \
             To stop them, follow this link (no login needed):\n{unsubscribe}"
        ),
        Language::Es => format!(
            "{text}\n\nVer el cargador: {charger_link}\n\n\
             Recibes este correo porque los correos de \"{kind}\" están activados en tu perfil de \
             Charge Portal. Para dejar de recibirlos, sigue este enlace (sin iniciar sesión):\n{unsubscribe}"
        ),
    };
    Mail { to: recipient.email.clone(), subject, body, link: Some(unsubscribe) }
}

fn kind_name(kind: NotificationKind, language: Language) -> &'static str {
    match (kind, language) {
        (NotificationKind::ChargeFinished, Language::En) => "charge finished",
        (NotificationKind::ChargeFinished, Language::Es) => "carga terminada",
        (NotificationKind::UnknownCard, Language::En) => "unknown card",
        (NotificationKind::UnknownCard, Language::Es) => "tarjeta desconocida",
        (NotificationKind::Offline, Language::En) => "charger offline",
        (NotificationKind::Offline, Language::Es) => "cargador desconectado",
        (NotificationKind::Sharing, Language::En) => "sharing",
        (NotificationKind::Sharing, Language::Es) => "compartir",
        (NotificationKind::PlanUnmet, Language::En) => "plan not met",
        (NotificationKind::PlanUnmet, Language::Es) => "plan no cumplido",
        (NotificationKind::Firmware, Language::En) => "firmware updated",
        (NotificationKind::Firmware, Language::Es) => "firmware actualizado",
    }
}

fn kwh(energy_wh: f64, decimal: char) -> String {
    format!("{:.2}", energy_wh / 1000.0).replace('.', &decimal.to_string())
}

fn euros(cents: i64, decimal: char) -> String {
    format!("{}{decimal}{:02}", cents / 100, (cents % 100).abs())
}

fn english(charger: &str, event: &NotificationEvent) -> (String, String) {
    match event {
        NotificationEvent::ChargeFinished { energy_wh, cost_cents, cost_estimated, minutes } => (
            format!("Charge finished on {charger}"),
            format!(
                "A charge on \"{charger}\" has finished: {} kWh in {minutes} min, costing €{}{} (energy only).",
                kwh(*energy_wh, '.'),
                euros(*cost_cents, '.'),
                if *cost_estimated { ", partly from estimated prices" } else { "" }
            ),
        ),
        NotificationEvent::UnknownCard { card } => (
            format!("A charge started on {charger} with an unknown card"),
            format!(
                "A charge started on \"{charger}\" with the card {card}, which is not on its list of cards."
            ),
        ),
        NotificationEvent::Offline { minutes } => (
            format!("{charger} is offline"),
            format!(
                "\"{charger}\" has been offline for {minutes} minutes. We will tell you when it is back."
            ),
        ),
        NotificationEvent::BackOnline { minutes } => (
            format!("{charger} is back online"),
            format!("\"{charger}\" is back online after {minutes} minutes offline."),
        ),
        NotificationEvent::Shared { by, role } => (
            format!("{by} shared {charger} with you"),
            format!(
                "{by} invites you to share the charger \"{charger}\" as {}. Accept it on your list of chargers.",
                if *role == Role::Editor { "editor" } else { "viewer" }
            ),
        ),
        NotificationEvent::ShareAccepted { by } => (
            format!("{by} accepted your invitation to {charger}"),
            format!("{by} accepted your invitation and now shares \"{charger}\"."),
        ),
        NotificationEvent::PlanUnmet { reason } => (
            format!("The plan of {charger} will not be met"),
            format!(
                "The \"ready by\" plan of \"{charger}\" cannot be met: {}",
                plan_reason(reason, Language::En)
            ),
        ),
        NotificationEvent::FirmwareUpdated { version } => (
            format!("{charger} was updated"),
            format!("The firmware update of \"{charger}\" has finished: it now runs version {version}."),
        ),
    }
}

fn spanish(charger: &str, event: &NotificationEvent) -> (String, String) {
    match event {
        NotificationEvent::ChargeFinished { energy_wh, cost_cents, cost_estimated, minutes } => (
            format!("Carga terminada en {charger}"),
            format!(
                "Ha terminado una carga en \"{charger}\": {} kWh en {minutes} min, con un coste de {} €{} (solo energía).",
                kwh(*energy_wh, ','),
                euros(*cost_cents, ','),
                if *cost_estimated { ", en parte con precios estimados" } else { "" }
            ),
        ),
        NotificationEvent::UnknownCard { card } => (
            format!("Una carga ha empezado en {charger} con una tarjeta desconocida"),
            format!(
                "Ha empezado una carga en \"{charger}\" con la tarjeta {card}, que no está en su lista de tarjetas."
            ),
        ),
        NotificationEvent::Offline { minutes } => (
            format!("{charger} está desconectado"),
            format!("\"{charger}\" lleva {minutes} minutos sin conexión. Te avisaremos cuando vuelva."),
        ),
        NotificationEvent::BackOnline { minutes } => (
            format!("{charger} vuelve a estar conectado"),
            format!("\"{charger}\" vuelve a estar conectado tras {minutes} minutos sin conexión."),
        ),
        NotificationEvent::Shared { by, role } => (
            format!("{by} ha compartido {charger} contigo"),
            format!(
                "{by} te invita a compartir el cargador \"{charger}\" como {}. Acéptalo en tu lista de cargadores.",
                if *role == Role::Editor { "editor" } else { "visualizador" }
            ),
        ),
        NotificationEvent::ShareAccepted { by } => (
            format!("{by} ha aceptado tu invitación a {charger}"),
            format!("{by} ha aceptado tu invitación y ahora comparte \"{charger}\"."),
        ),
        NotificationEvent::PlanUnmet { reason } => (
            format!("El plan de {charger} no se cumplirá"),
            format!(
                "El plan \"lista para\" de \"{charger}\" no se puede cumplir: {}",
                plan_reason(reason, Language::Es)
            ),
        ),
        NotificationEvent::FirmwareUpdated { version } => (
            format!("{charger} se ha actualizado"),
            format!(
                "Ha terminado la actualización de firmware de \"{charger}\": ahora tiene la versión {version}."
            ),
        ),
    }
}

fn plan_reason(reason: &PlanError, language: Language) -> String {
    match (reason, language) {
        (PlanError::NotEnoughTime { max_wh }, Language::En) => format!(
            "only {} kWh fit before the departure within the charger's limits and timers.",
            kwh(f64::from(*max_wh), '.')
        ),
        (PlanError::NotEnoughTime { max_wh }, Language::Es) => format!(
            "antes de la salida solo caben {} kWh con los límites y temporizadores del cargador.",
            kwh(f64::from(*max_wh), ',')
        ),
        (PlanError::NoPrices { .. }, Language::En) => "there are no market prices for its hours.".to_owned(),
        (PlanError::NoPrices { .. }, Language::Es) => "no hay precios de mercado para sus horas.".to_owned(),
        (_, Language::En) => "its departure is not within the next 7 days.".to_owned(),
        (_, Language::Es) => "su salida no está dentro de los próximos 7 días.".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_use_the_language_decimal_mark() {
        assert_eq!(kwh(7400.0, ','), "7,40");
        assert_eq!(euros(105, '.'), "1.05");
        assert_eq!(euros(7, ','), "0,07");
    }
}
