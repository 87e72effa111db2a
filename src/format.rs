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

/// Money from cents with 2 decimals: "€12.34" in English, "12,34 €" in Spanish.
pub fn money(cents: i64, language: Language) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let (euros, rest) = (cents.abs() / 100, cents.abs() % 100);
    match language {
        Language::En => format!("{sign}€{euros}.{rest:02}"),
        Language::Es => format!("{sign}{euros},{rest:02} €"),
    }
}

/// A €/kWh price with 4 decimals, from micro-euros: "0.1523 €/kWh" / "0,1523 €/kWh".
pub fn price(price: charge_model::tariff::Price, language: Language) -> String {
    let text = price.euros(4);
    match language {
        Language::En => format!("{text} €/kWh"),
        Language::Es => format!("{} €/kWh", text.replace('.', ",")),
    }
}

/// A Unix time as the user's local date and time, short.
pub fn date_time(unix: i64, language: Language) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    let options = js_sys::Object::new();
    for (key, value) in [("dateStyle", "medium"), ("timeStyle", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(language.tag(), &options).into()
}

/// A calendar date, short with its weekday: "Wed, 26 Nov" / "mié, 26 nov".
pub fn date(date: chrono::NaiveDate, language: Language) -> String {
    use chrono::Datelike as _;
    let js =
        js_sys::Date::new_with_year_month_day(date.year() as u32, date.month0() as i32, date.day() as i32);
    let options = js_sys::Object::new();
    for (key, value) in [("weekday", "short"), ("day", "numeric"), ("month", "short")] {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    js.to_locale_date_string(language.tag(), &options).into()
}
