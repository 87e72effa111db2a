//! Field validation helpers shared by every request type.

use std::collections::BTreeMap;

use crate::{ErrorBody, FieldError, Problem};

/// Field errors collected while validating a request, by field name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FieldErrors(pub BTreeMap<String, Problem>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records `problem` for `field` unless the field already has one (the first wins).
    pub fn add(&mut self, field: &str, problem: Problem) {
        self.0.entry(field.to_owned()).or_insert(problem);
    }

    /// Records the error of `result`, if any, for `field`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, Problem>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(problem) => {
                self.add(field, problem);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The problem recorded for `field`.
    pub fn get(&self, field: &str) -> Option<&Problem> {
        self.0.get(field)
    }

    /// The field errors as sent, with their English messages.
    pub fn to_wire(&self) -> BTreeMap<String, FieldError> {
        self.0.iter().map(|(field, problem)| (field.clone(), problem.into())).collect()
    }

    /// The field errors of an error answer.
    pub fn from_body(body: &ErrorBody) -> FieldErrors {
        FieldErrors(body.fields.iter().map(|(field, error)| (field.clone(), error.clone().into())).collect())
    }

    /// `Ok(())` when nothing was recorded.
    pub fn into_result(self) -> Result<(), FieldErrors> {
        if self.is_empty() { Ok(()) } else { Err(self) }
    }
}

/// A required text: trimmed, non-empty, at most `max` characters, shown as typed (see
/// [`optional_text`]).
pub fn required_text(value: &str, max: u32) -> Result<&str, Problem> {
    let value = value.trim();
    if value.is_empty() {
        return Err(Problem::Required);
    }
    optional_text(value, max)
}

/// An optional text: trimmed, at most `max` characters (empty is fine). It must read the same
/// wherever it is shown: no control characters (NUL, line breaks, tabs…), no text-direction
/// overrides or marks, and not only invisible characters.
pub fn optional_text(value: &str, max: u32) -> Result<&str, Problem> {
    let value = value.trim();
    if value.chars().count() > max as usize {
        return Err(Problem::TooLong { max });
    }
    if value.chars().any(is_hidden_control) || !value.is_empty() && value.chars().all(is_invisible) {
        return Err(Problem::InvalidCharacters);
    }
    Ok(value)
}

/// A text of several lines (a message): trimmed, at most `max` characters (empty is fine).
/// Like [`optional_text`], except that line breaks and tabs are allowed.
pub fn multiline_text(value: &str, max: u32) -> Result<&str, Problem> {
    let value = value.trim();
    if value.chars().count() > max as usize {
        return Err(Problem::TooLong { max });
    }
    let hidden = |c: char| is_hidden_control(c) && !matches!(c, '\n' | '\r' | '\t');
    if value.chars().any(hidden) || !value.is_empty() && value.chars().all(is_invisible) {
        return Err(Problem::InvalidCharacters);
    }
    Ok(value)
}

/// A character that changes how the text around it reads without showing itself: control
/// characters, line and paragraph separators, and the bidirectional embeddings, overrides,
/// isolates and marks (which can show `exe.txt` for `txt.exe`).
pub fn is_hidden_control(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{2028}' | '\u{2029}'
                | '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{061C}'
        )
}

/// A character that shows nothing: white space, and the zero-width space, joiners, word
/// joiner and invisible operators, byte-order mark, soft hyphen and fillers. Fine inside a
/// name (joiners build emoji and Persian words); a name of nothing else looks empty.
pub fn is_invisible(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '\u{200B}'..='\u{200D}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
                | '\u{00AD}'
                | '\u{034F}'
                | '\u{180E}'
                | '\u{115F}'
                | '\u{1160}'
                | '\u{3164}'
                | '\u{FFA0}'
                | '\u{FE00}'..='\u{FE0F}'
        )
}

/// A number inside `min..=max` that is finite.
pub fn in_range(value: f64, min: f64, max: f64) -> Result<f64, Problem> {
    if value.is_finite() && (min..=max).contains(&value) {
        Ok(value)
    } else {
        Err(Problem::OutOfRange { min, max })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_problem_of_a_field_wins() {
        let mut errors = FieldErrors::new();
        errors.add("email", Problem::Required);
        errors.add("email", Problem::InvalidEmail);
        assert_eq!(errors.get("email"), Some(&Problem::Required));
        assert!(errors.into_result().is_err());
    }

    #[test]
    fn text_rules() {
        assert_eq!(required_text("  Ana ", 10), Ok("Ana"));
        assert_eq!(required_text("   ", 10), Err(Problem::Required));
        assert_eq!(optional_text("", 3), Ok(""));
        assert_eq!(optional_text("abcd", 3), Err(Problem::TooLong { max: 3 }));
        // characters, not bytes
        assert_eq!(optional_text("ñññ", 3), Ok("ñññ"));
    }

    #[test]
    fn texts_refuse_control_and_direction_characters() {
        for bad in [
            "Ana\u{0}",
            "Ana\r\nBcc: eve@example.com",
            "Ana\tB",
            "Ana\u{7F}",
            "Ana\u{85}B",
            "Ana\u{2028}B",
            "\u{202E}egaraG",
            "Ana\u{202A}B\u{202C}",
            "Ana \u{2066}B\u{2069}",
            "Ana \u{2068}B",
            "A\u{200E}na",
            "Ana\u{200F}",
            "Ana\u{061C}",
        ] {
            assert_eq!(optional_text(bad, 80), Err(Problem::InvalidCharacters), "{bad:?}");
            assert_eq!(required_text(bad, 80), Err(Problem::InvalidCharacters), "{bad:?}");
        }
    }

    #[test]
    fn texts_of_only_invisible_characters_are_refused_but_joiners_inside_are_fine() {
        for bad in ["\u{200B}", "\u{200B}\u{200C}\u{200D}\u{2060}\u{FEFF}", " \u{2060} \u{FEFF} ", "\u{3164}"]
        {
            assert_eq!(optional_text(bad, 80), Err(Problem::InvalidCharacters), "{bad:?}");
            assert_eq!(required_text(bad, 80), Err(Problem::InvalidCharacters), "{bad:?}");
        }
        // Trimmed to nothing: simply empty.
        assert_eq!(required_text(" \u{3000} ", 80), Err(Problem::Required));
        assert_eq!(optional_text(" \u{3000} ", 80), Ok(""));
        for good in [
            "José Ñandú",
            "محمد علي",
            "👨\u{200D}👩\u{200D}👧 family",
            "می\u{200C}خواهم",
            "O'Brien",
            "❤\u{FE0F}",
        ] {
            assert_eq!(required_text(good, 80), Ok(good), "{good:?}");
        }
    }

    #[test]
    fn ranges_refuse_nan_and_bounds_are_inclusive() {
        assert_eq!(in_range(6.0, 6.0, 32.0), Ok(6.0));
        assert_eq!(in_range(32.0, 6.0, 32.0), Ok(32.0));
        assert!(in_range(32.5, 6.0, 32.0).is_err());
        assert!(in_range(f64::NAN, 6.0, 32.0).is_err());
    }
}
