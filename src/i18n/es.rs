use super::Texts;

pub const ES: Texts = Texts {
    app_name: "Charge Portal",
    loading: "Cargando…",
    save: "Guardar",
    saving: "Guardando…",
    cancel: "Cancelar",
    email: "Correo electrónico",
    password: "Contraseña",
    show_password: "Mostrar contraseña",
    name: "Nombre",
    optional: "opcional",
    language: "Idioma",
    skip_to_content: "Saltar al contenido",

    nav_main: "Principal",
    nav_chargers: "Cargadores",
    account_menu: "Menú de la cuenta",
    profile: "Perfil",
    log_out: "Cerrar sesión",
    log_in: "Iniciar sesión",
    register: "Crear cuenta",

    login_title: "Iniciar sesión",
    login_intro: "Controla y sigue tus cargadores desde cualquier lugar.",
    login_submit: "Iniciar sesión",
    login_pending: "Iniciando sesión…",
    forgot_password_link: "¿Has olvidado tu contraseña?",
    no_account: "¿Eres nuevo en Charge Portal?",
    create_account_link: "Crea una cuenta",
    resend_confirmation: "Enviar de nuevo el enlace de confirmación",
    confirmation_resent: |email| format!("Hemos enviado un nuevo enlace de confirmación a {email}."),
    session_ended: "Tu sesión ha terminado. Vuelve a iniciar sesión para continuar.",

    register_title: "Crea tu cuenta",
    register_intro: "Confirmarás tu correo electrónico antes de iniciar sesión por primera vez.",
    register_submit: "Crear cuenta",
    register_pending: "Creando tu cuenta…",
    password_hint: "Al menos 8 caracteres.",
    have_account: "¿Ya tienes una cuenta?",

    check_email_title: "Revisa tu correo",
    check_email_body: |email| {
        format!(
            "Hemos enviado un enlace de confirmación a {email}. Síguelo para activar tu cuenta: no podrás iniciar sesión hasta hacerlo."
        )
    },
    check_email_spam: "¿No lo encuentras? Mira en la carpeta de spam o correo no deseado, o envíalo de nuevo.",
    send_again: "Enviar de nuevo",
    sent_again: "Enviado. Cualquiera de los enlaces enviados funciona durante 24 horas.",

    confirming: "Confirmando tu correo electrónico…",
    confirmed_title: "Correo confirmado",
    confirmed_body: "Tu cuenta está activa. Inicia sesión para empezar.",
    confirm_failed_title: "Este enlace no funciona",
    confirm_failed_body: "Ya se usó o ha caducado. Si ya confirmaste tu correo, inicia sesión; si no, pide un enlace nuevo.",
    go_to_login: "Ir a iniciar sesión",

    forgot_title: "Restablece tu contraseña",
    forgot_intro: "Escribe el correo electrónico de tu cuenta y te enviaremos un enlace para elegir una contraseña nueva.",
    forgot_submit: "Enviar enlace",
    forgot_sent: |email| {
        format!(
            "Si {email} tiene una cuenta, le llegará un enlace para restablecer la contraseña. Funciona una vez, durante 1 hora."
        )
    },
    back_to_login: "Volver a iniciar sesión",

    reset_title: "Elige una contraseña nueva",
    new_password: "Contraseña nueva",
    repeat_password: "Repite la contraseña nueva",
    reset_submit: "Cambiar contraseña",
    reset_done: "Tu contraseña se ha cambiado y tus otras sesiones se han cerrado. Inicia sesión con la contraseña nueva.",
    reset_no_token: "Esta página necesita el enlace del correo para restablecer la contraseña.",
    request_new_link: "Pedir un enlace nuevo",

    profile_title: "Tu perfil",
    profile_details: "Datos personales",
    profile_vehicle: "Vehículo eléctrico",
    vehicle_make: "Marca",
    vehicle_model: "Modelo",
    battery_kwh: "Capacidad de la batería (kWh)",
    notifications: "Notificaciones por correo",
    notifications_hint: "Avisarme cuando termine una carga.",
    profile_language_hint: "Se usa en el portal y en los correos que te enviamos.",
    profile_saved: "Perfil guardado.",
    change_password_title: "Cambiar contraseña",
    current_password: "Contraseña actual",
    change_password_submit: "Cambiar contraseña",
    password_changed: "Contraseña cambiada. Tus otras sesiones se han cerrado.",
    delete_account_title: "Eliminar cuenta",
    delete_account_warning: "Eliminar tu cuenta borra para siempre tus datos y tu contraseña, y libera los cargadores de los que eres propietario para que puedan emparejarse de nuevo. No se puede deshacer.",
    delete_account_button: "Eliminar cuenta…",
    delete_dialog_title: "¿Eliminar tu cuenta?",
    delete_dialog_body: "Escribe tu contraseña para confirmar. Tu cuenta y sus datos se eliminan al momento y para siempre.",
    delete_confirm: "Eliminar para siempre",

    chargers_title: "Tus cargadores",
    chargers_empty: "Todavía no tienes cargadores.",

    not_found_title: "Página no encontrada",
    not_found_body: "No hay nada en esta dirección.",
    go_home: "Ir a la página de inicio",

    problem_required: "Este campo es obligatorio.",
    problem_invalid_email: "Escribe un correo electrónico válido, como nombre@ejemplo.com.",
    problem_too_short: |min| format!("Usa al menos {min} caracteres."),
    problem_too_long: |max| format!("Usa como máximo {max} caracteres."),
    problem_out_of_range: |min, max| format!("Escribe un número entre {min} y {max}."),
    problem_email_taken: "Este correo electrónico ya está registrado. Inicia sesión o recupera tu contraseña.",
    problem_wrong_password: "La contraseña no es correcta.",
    problem_mismatch: "Las contraseñas no coinciden.",
    problem_same_as_current: "Usa una contraseña distinta de la actual.",
    problem_invalid_charger_id: "El ID tiene 10 letras y cifras, como en la etiqueta bajo S/N.",
    problem_unknown_charger: "No hay ningún cargador con este ID. Compruébalo con la etiqueta del lateral del cargador.",
    problem_charger_taken: "Este cargador ya está registrado. Pide a su propietario que lo comparta contigo.",
    problem_already_yours: "Este cargador ya está en tu lista.",
    problem_min_above_max: "El mínimo no puede ser mayor que el máximo.",
    problem_not_a_permutation: "Usa cada fase 1, 2 y 3 una vez.",
    problem_invalid_web_socket_url: "Escribe una dirección ws:// o wss://, como wss://csms.ejemplo.com/ocpp.",
    problem_invalid_card_code: "Escribe el código de la tarjeta: de 4 a 20 cifras hexadecimales (0-9, A-F).",
    problem_duplicate_card: "Esta tarjeta ya está registrada en este cargador.",

    error_network: "No se puede conectar con el servidor. Comprueba tu conexión e inténtalo de nuevo.",
    error_unexpected: "El servidor ha enviado una respuesta inesperada. Inténtalo de nuevo.",
    error_invalid_credentials: "El correo electrónico o la contraseña no son correctos.",
    error_email_not_confirmed: "Confirma tu correo electrónico antes de iniciar sesión: sigue el enlace que te hemos enviado.",
    error_unauthenticated: "Tu sesión ha terminado. Vuelve a iniciar sesión.",
    error_invalid_token: "Este enlace no funciona: ya se usó o ha caducado.",
    error_too_many_requests: |secs| {
        let minutes = secs.div_ceil(60);
        if minutes <= 1 {
            "Demasiados intentos. Inténtalo de nuevo dentro de un minuto.".to_owned()
        } else {
            format!("Demasiados intentos. Inténtalo de nuevo dentro de {minutes} minutos.")
        }
    },
    error_validation: "Revisa los campos marcados.",
    error_internal: "Algo ha fallado en nuestro lado. Inténtalo de nuevo en un momento.",
};
