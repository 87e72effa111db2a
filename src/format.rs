//! Numbers, energy and durations as the user's language writes them.
//!
//! JavaScript formats the digits (`Intl`), which keeps Rust's float formatting code out of
//! the wasm; the language picks the separators.

use charge_model::Language;

/// `value` with `digits` decimals and grouped thousands: "1,234.5" in English, "1234,5" /
/// "12.345,5" in Spanish.
pub fn decimal(value: f64, digits: u8, language: Language) -> String {
    number(value, language, Style::Decimal(digits))
}

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Style {
    Decimal(u8),
    Euros,
}

thread_local! {
    /// `Intl.NumberFormat`s are slow to make: one per language and style, made once.
    static FORMATS: std::cell::RefCell<std::collections::HashMap<(Language, Style), js_sys::Intl::NumberFormat>> =
        std::cell::RefCell::default();
}

fn number(value: f64, language: Language, style: Style) -> String {
    FORMATS.with(|formats| {
        let mut formats = formats.borrow_mut();
        let format = formats.entry((language, style)).or_insert_with(|| {
            let options = js_sys::Object::new();
            let set = |key: &str, value: wasm_bindgen::JsValue| {
                let _ = js_sys::Reflect::set(&options, &key.into(), &value);
            };
            match style {
                Style::Decimal(digits) => {
                    set("minimumFractionDigits", f64::from(digits).into());
                    set("maximumFractionDigits", f64::from(digits).into());
                }
                Style::Euros => {
                    set("style", "currency".into());
                    set("currency", "EUR".into());
                }
            }
            let locales = js_sys::Array::of1(&language.tag().into());
            js_sys::Intl::NumberFormat::new(&locales, &options)
        });
        // `format` is a getter answering a function bound to its NumberFormat.
        format
            .format()
            .call1(&wasm_bindgen::JsValue::UNDEFINED, &value.into())
            .ok()
            .and_then(|s| s.as_string())
            .unwrap_or_default()
    })
}

/// Reads a number typed in either language: "7,4" or "7.4", "-2", " 11 ". Anything else
/// ("1e3", "inf", "7,4,1", "") is `None`, where Rust's own `parse` would take "inf" and "1e3".
pub fn read_number(text: &str) -> Option<f64> {
    let text = text.trim().replace(',', ".");
    let digits = text.strip_prefix('-').unwrap_or(&text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, ""));
    let only_digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if whole.is_empty() && fraction.is_empty() || !only_digits(whole) || !only_digits(fraction) {
        return None;
    }
    text.parse().ok()
}

/// A number written plainly ("5.5", "0.1523") as a field shows it in the user's language:
/// "5,5", "0,1523" in Spanish, so that what the field shows is what the user would type.
pub fn number_field(plain: &str, language: Language) -> String {
    match language {
        Language::En => plain.to_owned(),
        Language::Es => plain.replace('.', ","),
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

/// Money from cents: "€1,234.56" in English, "1234,56 €" in Spanish.
pub fn money(cents: i64, language: Language) -> String {
    number(cents as f64 / 100.0, language, Style::Euros)
}

/// A €/kWh price with 4 decimals, from micro-euros: "0.1523 €/kWh" / "0,1523 €/kWh".
pub fn price(price: charge_model::tariff::Price, language: Language) -> String {
    let text = price.euros(4);
    match language {
        Language::En => format!("{text} €/kWh"),
        Language::Es => format!("{} €/kWh", text.replace('.', ",")),
    }
}

/// A Unix time as a date and time in Madrid (the chargers' time, as in tariffs and CSVs), short.
pub fn date_time(unix: i64, language: Language) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(unix as f64 * 1000.0));
    let options = js_sys::Object::new();
    // `h23`: 24-hour times in every language, as the rest of the portal writes them.
    for (key, value) in
        [("dateStyle", "medium"), ("timeStyle", "short"), ("hourCycle", "h23"), ("timeZone", "Europe/Madrid")]
    {
        let _ = js_sys::Reflect::set(&options, &key.into(), &value.into());
    }
    date.to_locale_string(language.tag(), &options).into()
}

/// A Unix time as Madrid's 24-hour `HH:MM` ("21:02").
pub fn clock(unix: i64) -> String {
    charge_model::day_ranges::format_minute(madrid_minute(unix))
}

/// The end of a range as Madrid's `HH:MM`, where midnight ends the day: "24:00", so that
/// the last quarter-hour reads "23:45 – 24:00".
pub fn clock_end(unix: i64) -> String {
    match madrid_minute(unix) {
        0 => charge_model::day_ranges::format_minute(charge_model::day_ranges::DAY),
        minute => charge_model::day_ranges::format_minute(minute),
    }
}

/// The minute of Madrid's day at `unix`.
fn madrid_minute(unix: i64) -> u16 {
    use chrono::Timelike as _;
    let local = charge_model::madrid::local(chrono::DateTime::from_timestamp(unix, 0).unwrap_or_default());
    (local.hour() * 60 + local.minute()) as u16
}

/// A calendar date, short with its weekday: "Wed, 26 Nov" / "mié, 26 nov".
pub fn date(date: chrono::NaiveDate, language: Language) -> String {
    date_as(date, &[("weekday", "short"), ("day", "numeric"), ("month", "short")], language)
}

/// A calendar date in full: "Wed, 26 Nov 2025" / "mié, 26 nov 2025".
pub fn long_date(date: chrono::NaiveDate, language: Language) -> String {
    date_as(
        date,
        &[("weekday", "short"), ("day", "numeric"), ("month", "short"), ("year", "numeric")],
        language,
    )
}

/// Day and month: "26 Nov" / "26 nov".
pub fn day_month(date: chrono::NaiveDate, language: Language) -> String {
    date_as(date, &[("day", "numeric"), ("month", "short")], language)
}

/// Month and year: "Nov 2025" / "nov 2025".
pub fn month_year(date: chrono::NaiveDate, language: Language) -> String {
    date_as(date, &[("month", "short"), ("year", "numeric")], language)
}

/// A date as `Intl.DateTimeFormat` writes it with `options`.
fn date_as(date: chrono::NaiveDate, options: &[(&str, &str)], language: Language) -> String {
    use chrono::Datelike as _;
    let js =
        js_sys::Date::new_with_year_month_day(date.year() as u32, date.month0() as i32, date.day() as i32);
    let object = js_sys::Object::new();
    for (key, value) in options {
        let _ = js_sys::Reflect::set(&object, &(*key).into(), &(*value).into());
    }
    js.to_locale_date_string(language.tag(), &object).into()
}

/// A long duration in hours and minutes: "12 h 05 min".
pub fn hours(seconds: i64) -> String {
    let minutes = (seconds.max(0) + 30) / 60;
    format!("{} h {:02} min", minutes / 60, minutes % 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_a_decimal_comma_or_point() {
        assert_eq!(read_number("7,4"), Some(7.4));
        assert_eq!(read_number(" 7.4 "), Some(7.4));
        assert_eq!(read_number("11"), Some(11.0));
        assert_eq!(read_number("-0,15"), Some(-0.15));
        assert_eq!(read_number(",5"), Some(0.5));
    }

    #[test]
    fn what_is_not_a_plain_number_is_refused() {
        for text in ["", " ", "-", ",", "1e3", "inf", "NaN", "7,4,1", "7.4.1", "7 4", "+3", "1.234,5"] {
            assert_eq!(read_number(text), None, "{text:?}");
        }
    }

    #[test]
    fn fields_show_the_languages_decimal_separator() {
        assert_eq!(number_field("5.5", Language::Es), "5,5");
        assert_eq!(number_field("0.1523", Language::Es), "0,1523");
        assert_eq!(number_field("5.5", Language::En), "5.5");
        assert_eq!(number_field("32", Language::Es), "32");
    }
}
