//! Numbers, energy and durations as the user's language writes them.
//!
//! JavaScript formats the digits (`toFixed`), which keeps Rust's float formatting code
//! out of the wasm; the language picks the decimal separator.

use charge_model::Language;

/// `value` with `digits` decimals: "7.4" in English, "7,4" in Spanish.
pub fn decimal(value: f64, digits: u8, language: Language) -> String {
    let text: String =
        js_sys::Number::from(value).to_fixed(digits).map(String::from).unwrap_or_else(|_| "–".to_owned());
    match language {
        Language::En => text,
        Language::Es => text.replace('.', ","),
    }
}

/// Power in kW with one decimal, from watts.
pub fn kw(watts: f64, language: Language) -> String {
    format!("{} kW", decimal(watts / 1000.0, 1, language))
}

/// Energy in kWh with two decimals, from watt-hours.
pub fn kwh(wh: f64, language: Language) -> String {
    format!("{} kWh", decimal(wh / 1000.0, 2, language))
}

/// A duration as `h:mm:ss`.
pub fn duration(seconds: u64) -> String {
    let (h, m, s) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{h}:{m:02}:{s:02}")
}
