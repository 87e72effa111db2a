//! The OCPP 1.6 messages the server handles, typed. A payload reaches these types only after
//! its schema accepted it (`super::schema`), so reading it cannot fail on shape; what the
//! schemas do not say (a meter value that is not a number) is skipped, never a panic.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// A CALL from the charge point, read.
#[derive(Debug, Clone, PartialEq)]
pub enum Incoming {
    Boot(BootNotification),
    Heartbeat,
    Status(StatusNotification),
    Meter(MeterValues),
    Authorize { id_tag: String },
    Start(StartTransaction),
    Stop(StopTransaction),
    FirmwareStatus { status: String },
    DiagnosticsStatus { status: String },
    DataTransfer { vendor_id: String, message_id: Option<String> },
}

impl Incoming {
    /// Reads a CALL whose payload its schema has accepted. `None` for an action OCPP 1.6 has
    /// that the server does not take from a charge point (it answers `NotSupported`).
    pub fn read(action: &str, payload: &Value) -> Option<Incoming> {
        let text = |key: &str| payload.get(key).and_then(Value::as_str).unwrap_or_default().to_owned();
        Some(match action {
            "BootNotification" => Incoming::Boot(serde_json::from_value(payload.clone()).ok()?),
            "Heartbeat" => Incoming::Heartbeat,
            "StatusNotification" => Incoming::Status(serde_json::from_value(payload.clone()).ok()?),
            "MeterValues" => Incoming::Meter(serde_json::from_value(payload.clone()).ok()?),
            "Authorize" => Incoming::Authorize { id_tag: text("idTag") },
            "StartTransaction" => Incoming::Start(serde_json::from_value(payload.clone()).ok()?),
            "StopTransaction" => Incoming::Stop(serde_json::from_value(payload.clone()).ok()?),
            "FirmwareStatusNotification" => Incoming::FirmwareStatus { status: text("status") },
            "DiagnosticsStatusNotification" => Incoming::DiagnosticsStatus { status: text("status") },
            "DataTransfer" => Incoming::DataTransfer {
                vendor_id: text("vendorId"),
                message_id: payload.get("messageId").and_then(Value::as_str).map(str::to_owned),
            },
            _ => return None,
        })
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct BootNotification {
    pub charge_point_vendor: String,
    pub charge_point_model: String,
    pub charge_point_serial_number: Option<String>,
    pub firmware_version: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StatusNotification {
    /// 0 is the charge point as a whole; 1… its connectors.
    pub connector_id: u32,
    /// `NoError`, `GroundFailure`, `OverCurrentFailure`…
    pub error_code: String,
    /// `Available`, `Preparing`, `Charging`, `SuspendedEVSE`, `SuspendedEV`, `Finishing`,
    /// `Reserved`, `Unavailable`, `Faulted`.
    pub status: String,
    pub info: Option<String>,
    pub timestamp: Option<DateTime<Utc>>,
    pub vendor_error_code: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValues {
    pub connector_id: u32,
    pub transaction_id: Option<i64>,
    pub meter_value: Vec<MeterValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterValue {
    pub timestamp: DateTime<Utc>,
    pub sampled_value: Vec<SampledValue>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SampledValue {
    pub value: String,
    pub measurand: Option<String>,
    pub phase: Option<String>,
    pub unit: Option<String>,
    pub context: Option<String>,
}

/// What one meter value says, in the portal's units.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    pub at: Option<DateTime<Utc>>,
    /// The energy register (Wh imported since the meter was made).
    pub energy_wh: Option<f64>,
    pub power_w: Option<f64>,
    /// Current per phase (A): L1, L2, L3; a value without phase counts as L1.
    pub current_a: [Option<f64>; 3],
    pub voltage_v: [Option<f64>; 3],
    /// State of charge, 0–100.
    pub soc_percent: Option<f64>,
}

impl MeterValue {
    /// Reads the measurands the portal shows. Units are converted (kWh → Wh, kW → W); values
    /// that are not numbers, and measurands it does not show, are skipped.
    pub fn reading(&self) -> Reading {
        let mut reading = Reading { at: Some(self.timestamp), ..Reading::default() };
        for sample in &self.sampled_value {
            let Ok(value) = sample.value.trim().parse::<f64>() else { continue };
            if !value.is_finite() {
                continue;
            }
            let kilo = matches!(sample.unit.as_deref(), Some("kWh" | "kW" | "kvarh" | "kvar"));
            let value = if kilo { value * 1000.0 } else { value };
            let phase = match sample.phase.as_deref() {
                Some("L2" | "L2-N") => 1,
                Some("L3" | "L3-N") => 2,
                _ => 0,
            };
            // The default measurand is the energy register (OCPP 1.6, §7.31).
            match sample.measurand.as_deref().unwrap_or("Energy.Active.Import.Register") {
                "Energy.Active.Import.Register" if sample.phase.is_none() => reading.energy_wh = Some(value),
                "Power.Active.Import" if sample.phase.is_none() => reading.power_w = Some(value),
                "Current.Import" => reading.current_a[phase] = Some(value),
                "Voltage" => reading.voltage_v[phase] = Some(value),
                "SoC" => reading.soc_percent = Some(value.clamp(0.0, 100.0)),
                _ => {}
            }
        }
        reading
    }
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StartTransaction {
    pub connector_id: u32,
    pub id_tag: String,
    /// Wh on the meter at the start.
    pub meter_start: i64,
    pub reservation_id: Option<i64>,
    pub timestamp: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct StopTransaction {
    pub transaction_id: i64,
    pub id_tag: Option<String>,
    /// Wh on the meter at the end.
    pub meter_stop: i64,
    pub timestamp: DateTime<Utc>,
    pub reason: Option<String>,
    #[serde(default)]
    pub transaction_data: Vec<MeterValue>,
}

/// What the server answers about a card (`Authorize`, `StartTransaction`, `StopTransaction`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AuthorizationStatus {
    Accepted,
    Blocked,
    Expired,
    Invalid,
    ConcurrentTx,
}

impl AuthorizationStatus {
    pub fn id_tag_info(self) -> Value {
        json!({ "status": self })
    }
}

/// A CALL the server makes to a charge point: its action and payload.
#[derive(Debug, Clone, PartialEq)]
pub enum Command {
    /// Lock (`Inoperative`) or unlock (`Operative`) the whole charge point or a connector.
    ChangeAvailability {
        connector_id: u32,
        operative: bool,
    },
    RemoteStart {
        connector_id: u32,
        id_tag: String,
    },
    RemoteStop {
        transaction_id: i64,
    },
    /// A limit in amperes for the connector from now on (the slider), as a
    /// `TxDefaultProfile` at the stack level given.
    SetCurrentLimit {
        connector_id: u32,
        stack_level: u32,
        amps: f64,
    },
    /// A profile built by the layer above (timers, dynamic power).
    SetChargingProfile {
        connector_id: u32,
        profile: Value,
    },
    ClearChargingProfile {
        id: Option<i64>,
    },
    ChangeConfiguration {
        key: String,
        value: String,
    },
    GetConfiguration {
        keys: Vec<String>,
    },
    Reset {
        hard: bool,
    },
    UpdateFirmware {
        location: String,
        retrieve_date: DateTime<Utc>,
    },
    /// Asks for a fresh message (`StatusNotification`, `MeterValues`, `BootNotification`, `Heartbeat`).
    TriggerMessage {
        requested: &'static str,
        connector_id: Option<u32>,
    },
}

impl Command {
    /// The action name and the payload of the CALL.
    pub fn to_call(&self) -> (&'static str, Value) {
        match self {
            Command::ChangeAvailability { connector_id, operative } => (
                "ChangeAvailability",
                json!({"connectorId": connector_id, "type": if *operative { "Operative" } else { "Inoperative" }}),
            ),
            Command::RemoteStart { connector_id, id_tag } => {
                ("RemoteStartTransaction", json!({"connectorId": connector_id, "idTag": id_tag}))
            }
            Command::RemoteStop { transaction_id } => {
                ("RemoteStopTransaction", json!({"transactionId": transaction_id}))
            }
            Command::SetCurrentLimit { connector_id, stack_level, amps } => (
                "SetChargingProfile",
                json!({
                    "connectorId": connector_id,
                    "csChargingProfiles": {
                        "chargingProfileId": CURRENT_LIMIT_PROFILE_ID,
                        "stackLevel": stack_level,
                        "chargingProfilePurpose": "TxDefaultProfile",
                        "chargingProfileKind": "Relative",
                        "chargingSchedule": {
                            "chargingRateUnit": "A",
                            "chargingSchedulePeriod": [{"startPeriod": 0, "limit": (amps * 10.0).round() / 10.0}]
                        }
                    }
                }),
            ),
            Command::SetChargingProfile { connector_id, profile } => {
                ("SetChargingProfile", json!({"connectorId": connector_id, "csChargingProfiles": profile}))
            }
            Command::ClearChargingProfile { id } => match id {
                Some(id) => ("ClearChargingProfile", json!({"id": id})),
                None => ("ClearChargingProfile", json!({})),
            },
            Command::ChangeConfiguration { key, value } => {
                ("ChangeConfiguration", json!({"key": key, "value": value}))
            }
            Command::GetConfiguration { keys } if keys.is_empty() => ("GetConfiguration", json!({})),
            Command::GetConfiguration { keys } => ("GetConfiguration", json!({"key": keys})),
            Command::Reset { hard } => ("Reset", json!({"type": if *hard { "Hard" } else { "Soft" }})),
            Command::UpdateFirmware { location, retrieve_date } => (
                "UpdateFirmware",
                json!({"location": location, "retrieveDate": retrieve_date.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)}),
            ),
            Command::TriggerMessage { requested, connector_id } => match connector_id {
                Some(connector) => {
                    ("TriggerMessage", json!({"requestedMessage": requested, "connectorId": connector}))
                }
                None => ("TriggerMessage", json!({"requestedMessage": requested})),
            },
        }
    }
}

/// The id of the profile that carries the slider's current limit (replaced at each move).
pub const CURRENT_LIMIT_PROFILE_ID: i64 = 1;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ocpp::schema;

    #[test]
    fn every_command_is_a_call_its_schema_accepts() {
        let now = Utc::now();
        let commands = [
            Command::ChangeAvailability { connector_id: 0, operative: false },
            Command::RemoteStart { connector_id: 1, id_tag: "PORTAL".into() },
            Command::RemoteStop { transaction_id: 42 },
            Command::SetCurrentLimit { connector_id: 1, stack_level: 1, amps: 12.34 },
            Command::ClearChargingProfile { id: Some(1) },
            Command::ClearChargingProfile { id: None },
            Command::ChangeConfiguration { key: "MeterValueSampleInterval".into(), value: "10".into() },
            Command::GetConfiguration { keys: vec![] },
            Command::GetConfiguration { keys: vec!["HeartbeatInterval".into()] },
            Command::Reset { hard: false },
            Command::UpdateFirmware { location: "https://example.com/fw.bin".into(), retrieve_date: now },
            Command::TriggerMessage { requested: "StatusNotification", connector_id: Some(1) },
            Command::TriggerMessage { requested: "BootNotification", connector_id: None },
        ];
        for command in commands {
            let (action, payload) = command.to_call();
            assert_eq!(schema::check_request("t", action, &payload), Ok(()), "{command:?}");
        }
        let (_, limit) = Command::SetCurrentLimit { connector_id: 1, stack_level: 1, amps: 12.34 }.to_call();
        assert_eq!(
            limit["csChargingProfiles"]["chargingSchedule"]["chargingSchedulePeriod"][0]["limit"],
            12.3
        );
    }

    #[test]
    fn a_meter_value_is_read_in_the_portals_units() {
        let meter: MeterValues = serde_json::from_value(json!({
            "connectorId": 1,
            "transactionId": 3,
            "meterValue": [{"timestamp": "2026-12-03T10:15:00Z", "sampledValue": [
                {"value": "12.5", "measurand": "Energy.Active.Import.Register", "unit": "kWh"},
                {"value": "7.36", "measurand": "Power.Active.Import", "unit": "kW"},
                {"value": "16.1", "measurand": "Current.Import", "phase": "L1", "unit": "A"},
                {"value": "15.9", "measurand": "Current.Import", "phase": "L2", "unit": "A"},
                {"value": "231", "measurand": "Voltage", "phase": "L1-N", "unit": "V"},
                {"value": "64", "measurand": "SoC", "unit": "Percent"},
                {"value": "not a number", "measurand": "Current.Import", "phase": "L3"},
                {"value": "3", "measurand": "Temperature"}
            ]}]
        }))
        .unwrap();
        let reading = meter.meter_value[0].reading();
        assert_eq!(reading.energy_wh, Some(12_500.0));
        assert_eq!(reading.power_w, Some(7_360.0));
        assert_eq!(reading.current_a, [Some(16.1), Some(15.9), None]);
        assert_eq!(reading.voltage_v, [Some(231.0), None, None]);
        assert_eq!(reading.soc_percent, Some(64.0));
        // A value with no measurand is the energy register, in Wh by default.
        let bare: MeterValue = serde_json::from_value(
            json!({"timestamp": "2026-12-03T10:15:00Z", "sampledValue": [{"value": "900"}]}),
        )
        .unwrap();
        assert_eq!(bare.reading().energy_wh, Some(900.0));
    }

    #[test]
    fn calls_are_read_after_their_schema() {
        let boot =
            json!({"chargePointVendor": "V2C", "chargePointModel": "Trydan", "firmwareVersion": "2.3.4"});
        match Incoming::read("BootNotification", &boot) {
            Some(Incoming::Boot(b)) => assert_eq!(b.firmware_version.as_deref(), Some("2.3.4")),
            other => panic!("{other:?}"),
        }
        let stop = json!({"transactionId": 5, "meterStop": 4200, "timestamp": "2026-12-03T11:00:00Z"});
        assert!(
            matches!(Incoming::read("StopTransaction", &stop), Some(Incoming::Stop(s)) if s.meter_stop == 4200)
        );
        let data = json!({"vendorId": "com.v2c"});
        assert_eq!(
            Incoming::read("DataTransfer", &data),
            Some(Incoming::DataTransfer { vendor_id: "com.v2c".into(), message_id: None })
        );
        assert_eq!(Incoming::read("ReserveNow", &json!({})), None, "a call for charge points only");
    }
}
