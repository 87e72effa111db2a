//! OCPP-J 1.6 frames: the JSON arrays that carry calls, their results and their errors.
//!
//! `[2, "<id>", "<Action>", {payload}]` is a CALL, `[3, "<id>", {payload}]` its CALLRESULT and
//! `[4, "<id>", "<ErrorCode>", "<description>", {details}]` a CALLERROR (OCPP-J 1.6, §4).

use serde_json::{Value, json};

/// The longest message id the specification allows (§4.1.2: "maximum of 36 characters").
pub const MAX_ID_LEN: usize = 36;

/// A frame as read from the wire.
#[derive(Debug, Clone, PartialEq)]
pub enum Frame {
    Call { id: String, action: String, payload: Value },
    CallResult { id: String, payload: Value },
    CallError { id: String, code: String, description: String, details: Value },
}

/// The error codes of a CALLERROR (OCPP-J 1.6, §4.2.3; `OccurenceConstraintViolation` is
/// spelled as the 1.6 specification spells it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    /// The action is not known.
    NotImplemented,
    /// The action is known but not supported.
    NotSupported,
    InternalError,
    /// The payload is incomplete (a required field is missing).
    ProtocolError,
    SecurityError,
    /// The payload is not syntactically what the action requires.
    FormationViolation,
    /// A field holds a value it may not have.
    PropertyConstraintViolation,
    /// A field occurs too often or too rarely.
    OccurenceConstraintViolation,
    /// A field has the wrong type.
    TypeConstraintViolation,
    GenericError,
}

impl ErrorCode {
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorCode::NotImplemented => "NotImplemented",
            ErrorCode::NotSupported => "NotSupported",
            ErrorCode::InternalError => "InternalError",
            ErrorCode::ProtocolError => "ProtocolError",
            ErrorCode::SecurityError => "SecurityError",
            ErrorCode::FormationViolation => "FormationViolation",
            ErrorCode::PropertyConstraintViolation => "PropertyConstraintViolation",
            ErrorCode::OccurenceConstraintViolation => "OccurenceConstraintViolation",
            ErrorCode::TypeConstraintViolation => "TypeConstraintViolation",
            ErrorCode::GenericError => "GenericError",
        }
    }
}

/// Why a frame was refused, and the CALLERROR that answers it.
#[derive(Debug, Clone, PartialEq)]
pub struct Refusal {
    /// The message id to answer, when one could be read (else `-1`, as clients expect).
    pub id: Option<String>,
    pub code: ErrorCode,
    pub description: String,
}

impl Refusal {
    pub fn new(id: Option<&str>, code: ErrorCode, description: impl Into<String>) -> Refusal {
        Refusal { id: id.map(str::to_owned), code, description: description.into() }
    }

    /// The CALLERROR to send back.
    pub fn to_text(&self) -> String {
        call_error(self.id.as_deref().unwrap_or("-1"), self.code, &self.description)
    }
}

/// Reads one text message. Anything that is not a well-formed frame is refused with the
/// CALLERROR the specification names (FormationViolation for a broken structure).
pub fn parse(text: &str) -> Result<Frame, Refusal> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| Refusal::new(None, ErrorCode::FormationViolation, format!("not JSON: {e}")))?;
    let Value::Array(items) = value else {
        return Err(Refusal::new(None, ErrorCode::FormationViolation, "a frame is a JSON array"));
    };
    let id = match items.get(1) {
        Some(Value::String(id)) if !id.is_empty() && id.len() <= MAX_ID_LEN => id.clone(),
        Some(Value::String(_)) => {
            return Err(Refusal::new(
                None,
                ErrorCode::FormationViolation,
                "message id of 1 to 36 characters",
            ));
        }
        _ => {
            return Err(Refusal::new(None, ErrorCode::FormationViolation, "the message id must be a string"));
        }
    };
    let refuse = |description: &str| Err(Refusal::new(Some(&id), ErrorCode::FormationViolation, description));
    match (items.first().and_then(Value::as_u64), items.len()) {
        (Some(2), 4) => {
            let Some(action) = items[2].as_str().filter(|a| !a.is_empty()) else {
                return refuse("the action must be a non-empty string");
            };
            if !items[3].is_object() {
                return refuse("the payload must be a JSON object");
            }
            Ok(Frame::Call { id: id.clone(), action: action.to_owned(), payload: items[3].clone() })
        }
        (Some(3), 3) => {
            if !items[2].is_object() {
                return refuse("the payload must be a JSON object");
            }
            Ok(Frame::CallResult { id, payload: items[2].clone() })
        }
        (Some(4), 5) => {
            let (Some(code), Some(description)) = (items[2].as_str(), items[3].as_str()) else {
                return refuse("an error code and a description, as strings");
            };
            Ok(Frame::CallError {
                id: id.clone(),
                code: code.to_owned(),
                description: description.to_owned(),
                details: items[4].clone(),
            })
        }
        (Some(2..=4), _) => refuse("wrong number of elements for this message type"),
        _ => refuse("the message type must be 2 (CALL), 3 (CALLRESULT) or 4 (CALLERROR)"),
    }
}

/// A CALL frame.
pub fn call(id: &str, action: &str, payload: &Value) -> String {
    json!([2, id, action, payload]).to_string()
}

/// A CALLRESULT frame.
pub fn call_result(id: &str, payload: &Value) -> String {
    json!([3, id, payload]).to_string()
}

/// A CALLERROR frame (with empty details).
pub fn call_error(id: &str, code: ErrorCode, description: &str) -> String {
    json!([4, id, code.as_str(), description, {}]).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_frame_kinds_are_read() {
        assert_eq!(
            parse(
                r#"[2,"19223201","BootNotification",{"chargePointVendor":"V2C","chargePointModel":"Trydan"}]"#
            ),
            Ok(Frame::Call {
                id: "19223201".into(),
                action: "BootNotification".into(),
                payload: json!({"chargePointVendor": "V2C", "chargePointModel": "Trydan"}),
            })
        );
        assert_eq!(
            parse(r#"[3,"a1",{"status":"Accepted"}]"#),
            Ok(Frame::CallResult { id: "a1".into(), payload: json!({"status": "Accepted"}) })
        );
        assert_eq!(
            parse(r#"[4,"a2","NotSupported","no",{}]"#),
            Ok(Frame::CallError {
                id: "a2".into(),
                code: "NotSupported".into(),
                description: "no".into(),
                details: json!({}),
            })
        );
    }

    #[test]
    fn malformed_frames_are_formation_violations_with_the_id_when_readable() {
        for (text, id) in [
            ("not json", None),
            ("{}", None),
            ("[]", None),
            ("[2]", None),
            ("[2, 17, \"Heartbeat\", {}]", None),
            (&format!("[2, \"{}\", \"Heartbeat\", {{}}]", "x".repeat(37)), None),
            ("[2, \"m1\", \"Heartbeat\"]", Some("m1")),
            ("[2, \"m1\", \"Heartbeat\", []]", Some("m1")),
            ("[2, \"m1\", 5, {}]", Some("m1")),
            ("[9, \"m1\", \"Heartbeat\", {}]", Some("m1")),
            ("[3, \"m1\", \"x\"]", Some("m1")),
            ("[4, \"m1\", 1, 2, {}]", Some("m1")),
        ] {
            let refusal = parse(text).expect_err(text);
            assert_eq!(refusal.code, ErrorCode::FormationViolation, "{text}");
            assert_eq!(refusal.id.as_deref(), id, "{text}");
            let answer: Value = serde_json::from_str(&refusal.to_text()).unwrap();
            assert_eq!(answer[0], 4);
            assert_eq!(answer[1], id.unwrap_or("-1"));
            assert_eq!(answer[2], "FormationViolation");
        }
    }

    #[test]
    fn frames_written_are_frames_read() {
        let payload = json!({"connectorId": 1, "type": "Inoperative"});
        let text = call("c-7", "ChangeAvailability", &payload);
        assert_eq!(
            parse(&text),
            Ok(Frame::Call { id: "c-7".into(), action: "ChangeAvailability".into(), payload })
        );
        assert_eq!(
            parse(&call_result("c-7", &json!({}))),
            Ok(Frame::CallResult { id: "c-7".into(), payload: json!({}) })
        );
        let error = call_error("c-8", ErrorCode::NotImplemented, "Unknown action");
        assert_eq!(error, r#"[4,"c-8","NotImplemented","Unknown action",{}]"#);
    }
}
