//! Outgoing email: every message is stored in the outbox and printed to the log;
//! with an SMTP URL configured it is also delivered.

use anyhow::Context as _;
use charge_model::Language;
use charge_model::charger::Role;
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport as _, Tokio1Executor};
use rusqlite::params;

use crate::clock::Clock;
use crate::db::Db;
use crate::error::ApiResult;

/// Emails one address may receive in an hour.
pub const MAX_PER_RECIPIENT_PER_HOUR: u32 = 5;

/// An email ready to send.
#[derive(Debug, Clone)]
pub struct Mail {
    pub to: String,
    pub subject: String,
    pub body: String,
    /// The action link inside the body, kept apart for the development outbox.
    pub link: Option<String>,
}

/// Sends emails through the outbox and, when configured, SMTP.
pub struct Mailer {
    from: Mailbox,
    smtp: Option<AsyncSmtpTransport<Tokio1Executor>>,
}

impl Mailer {
    pub fn new(from: &str, smtp_url: Option<&str>) -> anyhow::Result<Mailer> {
        let from = from.parse().with_context(|| format!("sender address {from:?}"))?;
        let smtp = smtp_url
            .map(|url| AsyncSmtpTransport::<Tokio1Executor>::from_url(url).map(|b| b.build()))
            .transpose()
            .context("SMTP URL")?;
        Ok(Mailer { from, smtp })
    }

    /// Stores `mail` in the outbox, logs it, and hands it to SMTP in the background.
    ///
    /// At most [`MAX_PER_RECIPIENT_PER_HOUR`] emails go to one address in an hour: the rest are
    /// dropped (and logged), so that nobody can use the portal to flood someone's mailbox.
    pub async fn send(&self, db: &Db, clock: &Clock, mail: Mail) -> ApiResult<()> {
        self.deliver(db, clock, mail, true).await
    }

    /// [`Mailer::send`] to the configured support address, which is not capped per hour: it
    /// hears from every user, and each user's requests are limited where they are made.
    pub async fn send_to_support(&self, db: &Db, clock: &Clock, mail: Mail) -> ApiResult<()> {
        self.deliver(db, clock, mail, false).await
    }

    async fn deliver(&self, db: &Db, clock: &Clock, mail: Mail, capped: bool) -> ApiResult<()> {
        let now = clock.unix();
        let kept = self.kept(&mail);
        let row = kept.clone();
        let id = db
            .run(move |conn| {
                let recent: u32 = conn.query_row(
                    "SELECT COUNT(*) FROM outbox WHERE recipient = ?1 AND created_at > ?2",
                    params![row.to, now - 3600],
                    |r| r.get(0),
                )?;
                if capped && recent >= MAX_PER_RECIPIENT_PER_HOUR {
                    return Ok(None);
                }
                conn.execute(
                    "INSERT INTO outbox (recipient, subject, body, link, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                    params![row.to, row.subject, row.body, row.link, now],
                )?;
                Ok(Some(conn.last_insert_rowid()))
            })
            .await?;
        let Some(id) = id else {
            tracing::warn!(to = %mail.to, subject = %mail.subject, "email dropped: too many to this address this hour");
            return Ok(());
        };
        tracing::info!(to = %kept.to, subject = %kept.subject, link = kept.link.as_deref().unwrap_or(""), "email queued");

        let Some(smtp) = self.smtp.clone() else { return Ok(()) };
        let message = lettre::Message::builder()
            .from(self.from.clone())
            .to(mail.to.parse().context("recipient address")?)
            .subject(mail.subject)
            .body(mail.body)
            .context("building the email")?;
        let (db, clock) = (db.clone(), clock.clone());
        tokio::spawn(async move {
            let outcome = smtp.send(message).await;
            let (sent, error) = match &outcome {
                Ok(_) => (Some(clock.unix()), None),
                Err(e) => {
                    tracing::warn!(error = %e, "SMTP delivery failed");
                    (None, Some(e.to_string()))
                }
            };
            let _ = db
                .run(move |conn| {
                    conn.execute(
                        "UPDATE outbox SET sent_at = ?1, error = ?2 WHERE id = ?3",
                        params![sent, error, id],
                    )?;
                    Ok(())
                })
                .await;
        });
        Ok(())
    }
}

impl Mailer {
    /// What the outbox and the log keep of `mail`. Without SMTP they are the only delivery,
    /// so they keep it whole; with SMTP the action link is a secret for the recipient alone
    /// (its token is stored only hashed), so it is cut out.
    fn kept(&self, mail: &Mail) -> Mail {
        match (&self.smtp, &mail.link) {
            (Some(_), Some(link)) => Mail {
                body: mail.body.replace(link.as_str(), "[link sent by email, not kept]"),
                link: None,
                ..mail.clone()
            },
            _ => mail.clone(),
        }
    }
}

/// The email asking to confirm a new account's address.
pub fn confirmation(to: &str, language: Language, link: String) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            "Confirm your Charge Portal email address",
            format!(
                "Welcome to Charge Portal!\n\nConfirm your email address to start using your account:\n{link}\n\n\
                 The link is valid for 24 hours. If you did not create an account, ignore this email."
            ),
        ),
        Language::Es => (
            "Confirma tu correo de Charge Portal",
            format!(
                "¡Bienvenido a Charge Portal!\n\nConfirma tu correo electrónico para empezar a usar tu cuenta:\n{link}\n\n\
                 El enlace es válido durante 24 horas. Si no has creado una cuenta, ignora este correo."
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), body, link: Some(link) }
}

/// The email asking the owner of an address to confirm linking a provider to the account.
pub fn link_provider(to: &str, language: Language, provider: &str, link: String) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            format!("Link {provider} to your Charge Portal account"),
            format!(
                "Someone signed in with {provider} using this email address, which already has a Charge Portal \
                 account.\n\nTo link {provider} to your account and sign in, follow this link:\n{link}\n\n\
                 The link works once and expires in 1 hour. If it was not you, ignore this email: nothing is linked."
            ),
        ),
        Language::Es => (
            format!("Vincula {provider} a tu cuenta de Charge Portal"),
            format!(
                "Alguien ha iniciado sesión con {provider} usando este correo, que ya tiene una cuenta de Charge \
                 Portal.\n\nPara vincular {provider} a tu cuenta e iniciar sesión, sigue este enlace:\n{link}\n\n\
                 El enlace funciona una vez y caduca en 1 hora. Si no has sido tú, ignora este correo: no se vincula nada."
            ),
        ),
    };
    Mail { to: to.to_owned(), subject, body, link: Some(link) }
}

/// The email with a password-reset link.
pub fn password_reset(to: &str, language: Language, link: String) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            "Reset your Charge Portal password",
            format!(
                "Someone asked to reset the password of your Charge Portal account.\n\n\
                 Choose a new password here:\n{link}\n\n\
                 The link works once and expires in 1 hour. If it was not you, ignore this email: your password stays as it is."
            ),
        ),
        Language::Es => (
            "Restablece tu contraseña de Charge Portal",
            format!(
                "Alguien ha pedido restablecer la contraseña de tu cuenta de Charge Portal.\n\n\
                 Elige una contraseña nueva aquí:\n{link}\n\n\
                 El enlace funciona una vez y caduca en 1 hora. Si no has sido tú, ignora este correo: tu contraseña no cambia."
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), body, link: Some(link) }
}

/// The email to the owner of an address someone tried to register again: nothing changed,
/// and how to get in.
pub fn already_registered(to: &str, language: Language, base_url: &str) -> Mail {
    let (login, reset) = (format!("{base_url}/login"), format!("{base_url}/forgot-password"));
    let (subject, body) = match language {
        Language::En => (
            "Your Charge Portal account already exists",
            format!(
                "Someone, perhaps you, tried to create a Charge Portal account with this address, \
                 which already has one. Nothing was changed.\n\n\
                 Log in here: {login}\nForgot your password? {reset}\n\n\
                 If it was not you, you can ignore this email."
            ),
        ),
        Language::Es => (
            "Tu cuenta de Charge Portal ya existe",
            format!(
                "Alguien, quizá tú, ha intentado crear una cuenta de Charge Portal con esta dirección, \
                 que ya tiene una. No se ha cambiado nada.\n\n\
                 Inicia sesión aquí: {login}\n¿Has olvidado tu contraseña? {reset}\n\n\
                 Si no has sido tú, puedes ignorar este correo."
            ),
        ),
    };
    Mail { to: to.to_owned(), subject: subject.to_owned(), body, link: None }
}

/// The email telling someone a charger was shared with them (or that they are invited).
pub fn shared(to: &str, language: Language, charger: &str, owner: &str, role: Role, link: String) -> Mail {
    let (subject, body) = match language {
        Language::En => (
            format!("{owner} invites you to share the charger {charger}"),
            format!(
                "{owner} invites you to share the charger \"{charger}\" on Charge Portal, as {}.\n\n\
                 Log in with this address (or create an account with it) and accept the invitation \
                 on your list of chargers:\n{link}",
                match role {
                    Role::Editor => "editor: you can see it and change its settings",
                    _ => "viewer: you can see its status and statistics",
                }
            ),
        ),
        Language::Es => (
            format!("{owner} te invita a compartir el cargador {charger}"),
            format!(
                "{owner} te invita a compartir el cargador \"{charger}\" en Charge Portal, como {}.\n\n\
                 Inicia sesión con esta dirección (o crea una cuenta con ella) y acepta la invitación \
                 en tu lista de cargadores:\n{link}",
                match role {
                    Role::Editor => "editor: puedes verlo y cambiar su configuración",
                    _ => "visualizador: puedes ver su estado y sus estadísticas",
                }
            ),
        ),
    };
    Mail { to: to.to_owned(), subject, body, link: Some(link) }
}

/// A support request and who sent it, for the two emails it makes.
#[derive(Debug, Clone)]
pub struct SupportDetails {
    pub subject: String,
    pub message: String,
    pub account_id: i64,
    pub email: String,
    pub name: String,
    pub language: Language,
    pub charger: Option<SupportCharger>,
}

/// The charger a support request is about, as the server knows it when the request is sent.
#[derive(Debug, Clone)]
pub struct SupportCharger {
    pub id: String,
    pub name: String,
    pub model: &'static str,
    pub firmware: String,
    pub online: bool,
    /// How the server reaches it (simulated, or OCPP with its charge point and connection).
    pub link: String,
    /// The user's role on it.
    pub role: &'static str,
}

/// The email to the support team (in English), with the account and charger attached.
pub fn support_request(to: &str, request: &SupportDetails) -> Mail {
    let name = if request.name.is_empty() { "(none)" } else { request.name.as_str() };
    let charger = match &request.charger {
        None => "Charger: none chosen".to_owned(),
        Some(c) => format!(
            "Charger\n  ID: {}\n  Name: {}\n  Model: {}\n  Firmware: {}\n  Online: {}\n  Link: {}\n  User's role: {}",
            c.id,
            c.name,
            c.model,
            c.firmware,
            if c.online { "yes" } else { "no" },
            c.link,
            c.role
        ),
    };
    Mail {
        to: to.to_owned(),
        subject: format!("[Support] {}", request.subject),
        body: format!(
            "A support request from Charge Portal. Reply to the user at {email}.\n\n\
             Subject: {subject}\n\n{message}\n\n\
             Account\n  ID: {id}\n  Email: {email}\n  Name: {name}\n  Language: {language}\n\n{charger}\n",
            email = request.email,
            subject = request.subject,
            message = request.message,
            id = request.account_id,
            language = request.language.tag(),
        ),
        link: None,
    }
}

/// The copy of a support request sent to the user, in their language.
pub fn support_copy(request: &SupportDetails) -> Mail {
    let charger = request.charger.as_ref().map(|c| format!("{} ({})", c.name, c.id));
    let (subject, body) = match request.language {
        Language::En => (
            format!("We have your support request: {}", request.subject),
            format!(
                "Thank you for writing to Charge Portal support. We have received your request and \
                 will answer at this address.\n\nSubject: {}\nCharger: {}\n\n{}\n",
                request.subject,
                charger.as_deref().unwrap_or("none"),
                request.message
            ),
        ),
        Language::Es => (
            format!("Hemos recibido tu solicitud de soporte: {}", request.subject),
            format!(
                "Gracias por escribir al soporte de Charge Portal. Hemos recibido tu solicitud y \
                 te responderemos en esta dirección.\n\nAsunto: {}\nCargador: {}\n\n{}\n",
                request.subject,
                charger.as_deref().unwrap_or("ninguno"),
                request.message
            ),
        ),
    };
    Mail { to: request.email.clone(), subject, body, link: None }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reset_mail() -> Mail {
        password_reset(
            "ana@example.com",
            Language::En,
            "http://portal.test/reset-password?token=SECRET".to_owned(),
        )
    }

    #[test]
    fn without_smtp_the_outbox_keeps_the_link() {
        let mailer = Mailer::new("Charge Portal <no-reply@x.es>", None).unwrap();
        let kept = mailer.kept(&reset_mail());
        assert!(kept.body.contains("token=SECRET"));
        assert_eq!(kept.link.as_deref(), Some("http://portal.test/reset-password?token=SECRET"));
    }

    #[test]
    fn with_smtp_neither_the_outbox_nor_the_log_sees_the_link() {
        let mailer = Mailer::new("Charge Portal <no-reply@x.es>", Some("smtp://127.0.0.1:25")).unwrap();
        let kept = mailer.kept(&reset_mail());
        assert!(!kept.body.contains("SECRET"), "{}", kept.body);
        assert!(kept.body.contains("[link sent by email, not kept]"));
        assert_eq!(kept.link, None);
        assert_eq!(kept.subject, reset_mail().subject);
    }
}
