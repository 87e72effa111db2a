//! Every payload a charge point sends is checked against the official OCPP 1.6 JSON schemas
//! (the OCA's, as published with the 1.6 specification; `schemas/`), and the CALLERROR code
//! follows from what is wrong (OCPP-J 1.6, §4.2.3).

use std::collections::HashMap;
use std::sync::LazyLock;

use jsonschema::Validator;
use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::frame::{ErrorCode, Refusal};

/// The request and response schemas of one action.
struct Schemas {
    request: Validator,
    response: Validator,
}

macro_rules! schema {
    ($action:literal) => {
        (
            $action,
            include_str!(concat!("schemas/", $action, ".json")),
            include_str!(concat!("schemas/", $action, "Response.json")),
        )
    };
}

/// Every action of OCPP 1.6 (core, firmware management, local list, reservation, smart
/// charging, remote trigger), both directions.
const SOURCES: &[(&str, &str, &str)] = &[
    schema!("Authorize"),
    schema!("BootNotification"),
    schema!("CancelReservation"),
    schema!("ChangeAvailability"),
    schema!("ChangeConfiguration"),
    schema!("ClearCache"),
    schema!("ClearChargingProfile"),
    schema!("DataTransfer"),
    schema!("DiagnosticsStatusNotification"),
    schema!("FirmwareStatusNotification"),
    schema!("GetCompositeSchedule"),
    schema!("GetConfiguration"),
    schema!("GetDiagnostics"),
    schema!("GetLocalListVersion"),
    schema!("Heartbeat"),
    schema!("MeterValues"),
    schema!("RemoteStartTransaction"),
    schema!("RemoteStopTransaction"),
    schema!("ReserveNow"),
    schema!("Reset"),
    schema!("SendLocalList"),
    schema!("SetChargingProfile"),
    schema!("StartTransaction"),
    schema!("StatusNotification"),
    schema!("StopTransaction"),
    schema!("TriggerMessage"),
    schema!("UnlockConnector"),
    schema!("UpdateFirmware"),
];

static SCHEMAS: LazyLock<HashMap<&'static str, Schemas>> = LazyLock::new(|| {
    let compile = |text: &str| {
        let schema: Value = serde_json::from_str(text).expect("the bundled schemas are JSON");
        jsonschema::draft4::new(&schema).expect("the bundled schemas are valid draft-04")
    };
    SOURCES
        .iter()
        .map(|(action, request, response)| {
            (*action, Schemas { request: compile(request), response: compile(response) })
        })
        .collect()
});

/// Whether OCPP 1.6 has this action.
pub fn is_known(action: &str) -> bool {
    SCHEMAS.contains_key(action)
}

/// Checks the payload of a CALL the charge point sent. An action OCPP 1.6 does not have is
/// `NotImplemented`; a payload its schema refuses gets the code the specification names.
pub fn check_request(id: &str, action: &str, payload: &Value) -> Result<(), Refusal> {
    let Some(schemas) = SCHEMAS.get(action) else {
        return Err(Refusal::new(Some(id), ErrorCode::NotImplemented, format!("unknown action {action}")));
    };
    check(&schemas.request, payload).map_err(|(code, description)| Refusal::new(Some(id), code, description))
}

/// Checks the CALLRESULT payload a charge point answered one of our calls with.
pub fn check_response(action: &str, payload: &Value) -> Result<(), String> {
    let schemas = SCHEMAS.get(action).ok_or_else(|| format!("unknown action {action}"))?;
    check(&schemas.response, payload).map_err(|(_, description)| description)
}

fn check(validator: &Validator, payload: &Value) -> Result<(), (ErrorCode, String)> {
    let Err(error) = validator.validate(payload) else { return Ok(()) };
    let code = match error.kind() {
        ValidationErrorKind::Type { .. } => ErrorCode::TypeConstraintViolation,
        ValidationErrorKind::Required { .. } => ErrorCode::ProtocolError,
        ValidationErrorKind::AdditionalProperties { .. } => ErrorCode::FormationViolation,
        ValidationErrorKind::MinItems { .. } | ValidationErrorKind::MaxItems { .. } => {
            ErrorCode::OccurenceConstraintViolation
        }
        _ => ErrorCode::PropertyConstraintViolation,
    };
    let at = error.instance_path().to_string();
    let at = if at.is_empty() { "the payload".to_owned() } else { at };
    Err((code, format!("{at}: {error}")))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn every_bundled_schema_compiles() {
        assert_eq!(SCHEMAS.len(), SOURCES.len());
        assert!(is_known("BootNotification") && is_known("SetChargingProfile") && !is_known("Bogus"));
    }

    #[test]
    fn valid_payloads_pass() {
        let boot =
            json!({"chargePointVendor": "V2C", "chargePointModel": "Trydan", "firmwareVersion": "2.3.4"});
        assert_eq!(check_request("1", "BootNotification", &boot), Ok(()));
        let meter = json!({
            "connectorId": 1,
            "transactionId": 7,
            "meterValue": [{"timestamp": "2026-12-03T10:15:00Z", "sampledValue": [
                {"value": "1234.5", "measurand": "Energy.Active.Import.Register", "unit": "Wh"},
                {"value": "7.2", "measurand": "Power.Active.Import", "unit": "kW"}
            ]}]
        });
        assert_eq!(check_request("2", "MeterValues", &meter), Ok(()));
        assert_eq!(check_response("ChangeAvailability", &json!({"status": "Scheduled"})), Ok(()));
    }

    #[test]
    fn each_fault_gets_the_code_the_specification_names() {
        let cases = [
            ("Bogus", json!({}), ErrorCode::NotImplemented),
            ("BootNotification", json!({"chargePointVendor": "V2C"}), ErrorCode::ProtocolError),
            (
                "BootNotification",
                json!({"chargePointVendor": 5, "chargePointModel": "T"}),
                ErrorCode::TypeConstraintViolation,
            ),
            (
                "BootNotification",
                json!({"chargePointVendor": "V".repeat(21), "chargePointModel": "T"}),
                ErrorCode::PropertyConstraintViolation,
            ),
            (
                "BootNotification",
                json!({"chargePointVendor": "V", "chargePointModel": "T", "extra": 1}),
                ErrorCode::FormationViolation,
            ),
            (
                "StatusNotification",
                json!({"connectorId": 1, "errorCode": "NoError", "status": "Sleeping"}),
                ErrorCode::PropertyConstraintViolation,
            ),
            (
                "MeterValues",
                json!({"connectorId": 1, "meterValue": []}),
                ErrorCode::OccurenceConstraintViolation,
            ),
            (
                "MeterValues",
                json!({"connectorId": 1, "meterValue": [{"timestamp": "yesterday", "sampledValue": [{"value": "1"}]}]}),
                ErrorCode::PropertyConstraintViolation,
            ),
        ];
        for (action, payload, code) in cases {
            let refusal = check_request("m9", action, &payload).expect_err(&payload.to_string());
            assert_eq!(refusal.code, code, "{action} {payload}: {}", refusal.description);
            assert_eq!(refusal.id.as_deref(), Some("m9"));
        }
    }
}
