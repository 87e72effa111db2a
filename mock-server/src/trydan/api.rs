//! The wire format of a V2C Trydan's local HTTP API, as the charger and `pytrydan` (0.8.1)
//! speak it: `GET /RealTimeData` answers a JSON object; `GET /write/<Keyword>=<Value>` changes
//! one setting and answers the plain text `OK`.
//!
//! Codes (charge state, flags, modes) stay integers here: a newer firmware that reports a code
//! this server does not know must still be read, not rejected.

use serde::{Deserialize, Serialize};

/// What `GET /RealTimeData` answers. Keys and units are the charger's: powers in W, energy in
/// kWh, times in seconds. Keys the charger adds that are not listed here are ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RealTimeData {
    /// The charger's serial number (older firmware leaves it out).
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// 0 no car, 1 car connected and not charging, 2 charging.
    #[serde(rename = "ChargeState")]
    pub charge_state: u8,
    /// 0 not ready, 1 ready.
    #[serde(rename = "ReadyState", default, skip_serializing_if = "Option::is_none")]
    pub ready_state: Option<u8>,
    /// Power delivered to the car (W).
    #[serde(rename = "ChargePower")]
    pub charge_power: f64,
    /// Mains voltage (V).
    #[serde(rename = "VoltageInstallation", default, skip_serializing_if = "Option::is_none")]
    pub voltage_installation: Option<f64>,
    /// Energy of the charge in progress (kWh).
    #[serde(rename = "ChargeEnergy")]
    pub charge_energy: f64,
    /// State of the link to the house's power meter: 0 no error; others as `pytrydan`'s
    /// `SlaveCommunicationState` (4 waiting for Wi-Fi, 10 clamp not connected, 21–257 Modbus).
    #[serde(rename = "SlaveError")]
    pub slave_error: u16,
    /// Length of the charge in progress (s).
    #[serde(rename = "ChargeTime")]
    pub charge_time: u64,
    /// The house's consumption (W).
    #[serde(rename = "HousePower")]
    pub house_power: f64,
    /// Photovoltaic production (W).
    #[serde(rename = "FVPower")]
    pub fv_power: f64,
    /// Home battery power (W); absent without a battery.
    #[serde(rename = "BatteryPower", default, skip_serializing_if = "Option::is_none")]
    pub battery_power: Option<f64>,
    /// 0 or 1.
    #[serde(rename = "Paused")]
    pub paused: u8,
    /// 0 or 1.
    #[serde(rename = "Locked")]
    pub locked: u8,
    /// 0 timer off, 1 timer on.
    #[serde(rename = "Timer")]
    pub timer: u8,
    /// The charging current the charger is set to (A).
    #[serde(rename = "Intensity")]
    pub intensity: u8,
    /// Dynamic power control: 0 off, 1 on.
    #[serde(rename = "Dynamic")]
    pub dynamic: u8,
    /// Lowest current dynamic power control may set (A).
    #[serde(rename = "MinIntensity")]
    pub min_intensity: u8,
    /// Highest current the charger may set (A).
    #[serde(rename = "MaxIntensity")]
    pub max_intensity: u8,
    /// 0 modulating, 1 not modulating.
    #[serde(rename = "PauseDynamic")]
    pub pause_dynamic: u8,
    /// See [`DynamicPowerMode`].
    #[serde(rename = "DynamicPowerMode")]
    pub dynamic_power_mode: u8,
    /// The house's contracted power (W).
    #[serde(rename = "ContractedPower")]
    pub contracted_power: u32,
    #[serde(rename = "FirmwareVersion", default, skip_serializing_if = "Option::is_none")]
    pub firmware_version: Option<String>,
    #[serde(rename = "SSID", default, skip_serializing_if = "Option::is_none")]
    pub ssid: Option<String>,
    #[serde(rename = "IP", default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<String>,
    /// Wi-Fi signal, 0 (none) to 3 (good).
    #[serde(rename = "SignalStatus", default, skip_serializing_if = "Option::is_none")]
    pub signal_status: Option<i64>,
}

/// The values of `ChargeState`.
pub mod charge_state {
    /// No car plugged in.
    pub const NOT_CONNECTED: u8 = 0;
    /// A car is plugged in and not charging.
    pub const CONNECTED: u8 = 1;
    /// A car is charging.
    pub const CHARGING: u8 = 2;
}

/// `SlaveError` when the power meter answers.
pub const SLAVE_NO_ERROR: u16 = 0;

/// `DynamicPowerMode`: how dynamic power control uses the timed power profile and solar power.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DynamicPowerMode {
    /// 0: the timed power profile applies.
    TimedPowerEnabled,
    /// 1: the timed power profile does not apply.
    TimedPowerDisabled,
    /// 2: solar surplus only ("exclusive").
    Exclusive,
    /// 3: solar surplus topped up from the grid to the minimum current.
    MinPower,
    /// 4: grid and solar, as fast as the contracted power allows.
    GridAndPv,
    /// 5: stopped.
    Stop,
}

impl DynamicPowerMode {
    /// The code on the wire.
    pub fn code(self) -> u8 {
        match self {
            DynamicPowerMode::TimedPowerEnabled => 0,
            DynamicPowerMode::TimedPowerDisabled => 1,
            DynamicPowerMode::Exclusive => 2,
            DynamicPowerMode::MinPower => 3,
            DynamicPowerMode::GridAndPv => 4,
            DynamicPowerMode::Stop => 5,
        }
    }

    /// The mode of a code, `None` for codes this server does not know.
    pub fn from_code(code: u8) -> Option<DynamicPowerMode> {
        Some(match code {
            0 => DynamicPowerMode::TimedPowerEnabled,
            1 => DynamicPowerMode::TimedPowerDisabled,
            2 => DynamicPowerMode::Exclusive,
            3 => DynamicPowerMode::MinPower,
            4 => DynamicPowerMode::GridAndPv,
            5 => DynamicPowerMode::Stop,
            _ => return None,
        })
    }
}

/// Lowest current a Trydan accepts for `Intensity`, `MinIntensity` and `MaxIntensity` (A).
pub const MIN_AMPS: u8 = 6;
/// Highest current a Trydan accepts (A).
pub const MAX_AMPS: u8 = 32;
/// Range accepted for `ContractedPower` (W): what the portal's settings accept, 1 to 100 kW.
pub const CONTRACTED_POWER_W: std::ops::RangeInclusive<u32> = 1_000..=100_000;

/// One setting written with `GET /write/<Keyword>=<Value>`, checked against what a Trydan
/// accepts (the charger's own limits, such as `Intensity` within `MinIntensity` and
/// `MaxIntensity`, are checked by whoever applies it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Write {
    /// `Intensity`: the charging current (A).
    Intensity(u8),
    /// `MinIntensity` (A).
    MinIntensity(u8),
    /// `MaxIntensity` (A).
    MaxIntensity(u8),
    /// `Locked`: 1 locks the charger.
    Locked(bool),
    /// `Paused`: 1 pauses the charge.
    Paused(bool),
    /// `Dynamic`: 1 turns dynamic power control on.
    Dynamic(bool),
    /// `DynamicPowerMode`.
    DynamicPowerMode(DynamicPowerMode),
    /// `PauseDynamic`: 1 stops modulating.
    PauseDynamic(bool),
    /// `Timer`: 1 turns the charge point timer on.
    Timer(bool),
    /// `ContractedPower` (W).
    ContractedPower(u32),
}

/// Keywords `RealTimeData` reports that cannot be written.
const READ_ONLY: [&str; 7] =
    ["ChargeState", "ChargePower", "ChargeEnergy", "SlaveError", "ChargeTime", "HousePower", "FVPower"];

/// Why a write was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WriteError {
    /// The path is not `<Keyword>=<Value>`.
    #[error("expected <Keyword>=<Value>, got {0:?}")]
    Malformed(String),
    #[error("unknown keyword {0:?}")]
    UnknownKeyword(String),
    /// A keyword that is only read (`ChargePower`…).
    #[error("{0} cannot be written")]
    ReadOnly(String),
    #[error("{keyword} does not accept {value:?} ({expected})")]
    InvalidValue { keyword: &'static str, value: String, expected: &'static str },
    /// The keyword is valid but the receiver cannot apply it (the simulator's answer for
    /// settings it does not model).
    #[error("{0} is not supported here")]
    Unsupported(&'static str),
    /// The value is valid but conflicts with the charger's state (`Intensity` above `MaxIntensity`…).
    #[error("{0}")]
    Conflict(String),
}

impl Write {
    /// Parses the last segment of `/write/<Keyword>=<Value>` (already percent-decoded).
    pub fn parse(segment: &str) -> Result<Write, WriteError> {
        let (keyword, value) = segment.split_once('=').ok_or_else(|| WriteError::Malformed(cut(segment)))?;
        Write::new(keyword, value)
    }

    /// A write of `value` (as the charger would receive it in the URL) to `keyword`.
    pub fn new(keyword: &str, value: &str) -> Result<Write, WriteError> {
        let amps = |keyword: &'static str| {
            integer(value)
                .and_then(|n| u8::try_from(n).ok())
                .filter(|a| (MIN_AMPS..=MAX_AMPS).contains(a))
                .ok_or_else(|| invalid(keyword, value, "an integer from 6 to 32"))
        };
        let flag = |keyword: &'static str| match value {
            "0" => Ok(false),
            "1" => Ok(true),
            _ => Err(invalid(keyword, value, "0 or 1")),
        };
        Ok(match keyword {
            "Intensity" => Write::Intensity(amps("Intensity")?),
            "MinIntensity" => Write::MinIntensity(amps("MinIntensity")?),
            "MaxIntensity" => Write::MaxIntensity(amps("MaxIntensity")?),
            "Locked" => Write::Locked(flag("Locked")?),
            "Paused" => Write::Paused(flag("Paused")?),
            "Dynamic" => Write::Dynamic(flag("Dynamic")?),
            "PauseDynamic" => Write::PauseDynamic(flag("PauseDynamic")?),
            "Timer" => Write::Timer(flag("Timer")?),
            "DynamicPowerMode" => {
                const EXPECTED: &str = "an integer from 0 to 5";
                let mode =
                    integer(value).and_then(|n| u8::try_from(n).ok()).and_then(DynamicPowerMode::from_code);
                Write::DynamicPowerMode(mode.ok_or_else(|| invalid("DynamicPowerMode", value, EXPECTED))?)
            }
            "ContractedPower" => {
                const EXPECTED: &str = "watts, an integer from 1000 to 100000";
                let watts = integer(value)
                    .and_then(|n| u32::try_from(n).ok())
                    .filter(|w| CONTRACTED_POWER_W.contains(w));
                Write::ContractedPower(watts.ok_or_else(|| invalid("ContractedPower", value, EXPECTED))?)
            }
            read_only if READ_ONLY.contains(&read_only) => {
                return Err(WriteError::ReadOnly(read_only.to_owned()));
            }
            unknown => return Err(WriteError::UnknownKeyword(cut(unknown))),
        })
    }

    /// The keyword on the wire.
    pub fn keyword(self) -> &'static str {
        match self {
            Write::Intensity(_) => "Intensity",
            Write::MinIntensity(_) => "MinIntensity",
            Write::MaxIntensity(_) => "MaxIntensity",
            Write::Locked(_) => "Locked",
            Write::Paused(_) => "Paused",
            Write::Dynamic(_) => "Dynamic",
            Write::DynamicPowerMode(_) => "DynamicPowerMode",
            Write::PauseDynamic(_) => "PauseDynamic",
            Write::Timer(_) => "Timer",
            Write::ContractedPower(_) => "ContractedPower",
        }
    }

    /// The value on the wire.
    pub fn value(self) -> u32 {
        match self {
            Write::Intensity(a) | Write::MinIntensity(a) | Write::MaxIntensity(a) => u32::from(a),
            Write::Locked(on)
            | Write::Paused(on)
            | Write::Dynamic(on)
            | Write::PauseDynamic(on)
            | Write::Timer(on) => u32::from(on),
            Write::DynamicPowerMode(mode) => u32::from(mode.code()),
            Write::ContractedPower(watts) => watts,
        }
    }

    /// The request path: `/write/<Keyword>=<Value>`.
    pub fn path(self) -> String {
        format!("/write/{}={}", self.keyword(), self.value())
    }
}

/// What a Trydan answers to a write it applied.
pub const WRITE_OK: &str = "OK";

/// A decimal integer as a Trydan reads it: digits only, with an optional minus sign.
fn integer(value: &str) -> Option<i64> {
    let digits = value.strip_prefix('-').unwrap_or(value);
    if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    value.parse().ok()
}

fn invalid(keyword: &'static str, value: &str, expected: &'static str) -> WriteError {
    WriteError::InvalidValue { keyword, value: cut(value), expected }
}

/// At most 40 characters of what a client sent, for error answers and logs.
fn cut(text: &str) -> String {
    text.chars().take(40).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reading in the shape a Trydan with firmware 2.x sends (keys in its order).
    const SAMPLE: &str = r#"{"ID":"ABCDEF2345","ChargeState":2,"ReadyState":0,"ChargePower":3421.6,
        "ChargeEnergy":3.37,"SlaveError":0,"ChargeTime":1850,"HousePower":4113,"FVPower":0,
        "BatteryPower":0,"Paused":0,"Locked":0,"Timer":0,"Intensity":16,"Dynamic":1,
        "MinIntensity":6,"MaxIntensity":32,"PauseDynamic":0,"FirmwareVersion":"2.1.7",
        "DynamicPowerMode":4,"ContractedPower":4600,"SSID":"home","IP":"192.168.1.20",
        "SignalStatus":3,"LightLED":80}"#;

    #[test]
    fn a_reading_with_every_key_decodes_and_unknown_keys_are_ignored() {
        let data: RealTimeData = serde_json::from_str(SAMPLE).unwrap();
        assert_eq!(data.id.as_deref(), Some("ABCDEF2345"));
        assert_eq!((data.charge_state, data.intensity, data.dynamic), (charge_state::CHARGING, 16, 1));
        assert_eq!((data.charge_power, data.charge_energy, data.house_power), (3421.6, 3.37, 4113.0));
        assert_eq!((data.contracted_power, data.charge_time), (4600, 1850));
        assert_eq!(DynamicPowerMode::from_code(data.dynamic_power_mode), Some(DynamicPowerMode::GridAndPv));
    }

    #[test]
    fn the_optional_keys_may_be_missing_and_are_left_out_when_unknown() {
        let mut value: serde_json::Value = serde_json::from_str(SAMPLE).unwrap();
        let object = value.as_object_mut().unwrap();
        for key in ["ID", "ReadyState", "BatteryPower", "FirmwareVersion", "SSID", "IP", "SignalStatus"] {
            object.remove(key);
        }
        let data: RealTimeData = serde_json::from_value(value).unwrap();
        assert_eq!((&data.id, data.battery_power, &data.firmware_version), (&None, None, &None));
        let written = serde_json::to_value(RealTimeData { voltage_installation: None, ..data }).unwrap();
        assert!(written.get("VoltageInstallation").is_none() && written.get("ID").is_none());
        assert_eq!(written["ChargeState"], 2);
    }

    #[test]
    fn a_reading_without_a_required_key_is_an_error() {
        let broken = SAMPLE.replace("\"Intensity\":16,", "");
        assert!(serde_json::from_str::<RealTimeData>(&broken).is_err());
        let negative = SAMPLE.replace("\"Intensity\":16", "\"Intensity\":-1");
        assert!(serde_json::from_str::<RealTimeData>(&negative).is_err());
    }

    #[test]
    fn writes_parse_to_typed_values_and_render_back_to_the_same_path() {
        let cases = [
            ("Intensity=16", Write::Intensity(16)),
            ("MinIntensity=6", Write::MinIntensity(6)),
            ("MaxIntensity=32", Write::MaxIntensity(32)),
            ("Locked=1", Write::Locked(true)),
            ("Paused=0", Write::Paused(false)),
            ("Dynamic=1", Write::Dynamic(true)),
            ("DynamicPowerMode=3", Write::DynamicPowerMode(DynamicPowerMode::MinPower)),
            ("PauseDynamic=1", Write::PauseDynamic(true)),
            ("Timer=0", Write::Timer(false)),
            ("ContractedPower=4600", Write::ContractedPower(4600)),
        ];
        for (segment, expected) in cases {
            let parsed = Write::parse(segment).unwrap();
            assert_eq!(parsed, expected, "{segment}");
            assert_eq!(parsed.path(), format!("/write/{segment}"));
        }
    }

    #[test]
    fn bad_writes_are_errors_never_panics() {
        type Expected = fn(&WriteError) -> bool;
        let cases: [(&str, Expected); 16] = [
            ("Intensity", |e| matches!(e, WriteError::Malformed(_))),
            ("", |e| matches!(e, WriteError::Malformed(_))),
            ("Colour=3", |e| matches!(e, WriteError::UnknownKeyword(k) if k == "Colour")),
            ("=3", |e| matches!(e, WriteError::UnknownKeyword(_))),
            ("intensity=16", |e| matches!(e, WriteError::UnknownKeyword(_))),
            ("ChargePower=100", |e| matches!(e, WriteError::ReadOnly(_))),
            ("Intensity=5", |e| matches!(e, WriteError::InvalidValue { keyword: "Intensity", .. })),
            ("Intensity=33", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("Intensity=-16", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("Intensity=16.0", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("Intensity=99999999999999999999999", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("Intensity=", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("Locked=2", |e| matches!(e, WriteError::InvalidValue { keyword: "Locked", .. })),
            ("Paused=true", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("DynamicPowerMode=6", |e| matches!(e, WriteError::InvalidValue { .. })),
            ("ContractedPower=999", |e| matches!(e, WriteError::InvalidValue { .. })),
        ];
        for (segment, expected) in cases {
            let error = Write::parse(segment).unwrap_err();
            assert!(expected(&error), "{segment}: {error:?}");
            assert!(!error.to_string().is_empty());
        }
        // Whatever a client sends, the answer quotes at most 40 characters of it.
        let long = format!("{}=1", "K".repeat(10_000));
        assert!(matches!(Write::parse(&long), Err(WriteError::UnknownKeyword(k)) if k.len() == 40));
        assert!(Write::parse("Intensity=1=2").is_err());
        assert!(Write::parse("Intensity=１６").is_err());
    }
}
