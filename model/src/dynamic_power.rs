//! Dynamic power control: the charger measures the house and sets the charging current so
//! that the house never draws more than the contracted power (or what a charging profile
//! allows at that hour), optionally from solar surplus only.

use chrono::{Datelike, NaiveDateTime, Timelike};
use serde::{Deserialize, Serialize};

use crate::day_ranges::{DAY, Span, check_cover};
use crate::validate::in_range;
use crate::{FieldErrors, Problem};

/// Where the current clamp sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scheme {
    /// Upstream, on the main incoming phase: it measures the whole house, charger included.
    #[default]
    Standard,
    /// Downstream: it measures the house without the charger.
    Alternative,
}

/// How solar production is used (models with photovoltaic support).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum PvMode {
    /// Solar surplus, topped up from the grid to the minimum current.
    PvPlusMinimum,
    /// Solar surplus only: no charging without it.
    PvOnly,
    /// As fast as the contracted power allows, solar or not.
    #[default]
    MaximumPower,
}

/// A time slot of a charging profile with the most power the house may draw in it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ProfileSlot {
    #[serde(flatten)]
    pub span: Span,
    #[cfg_attr(feature = "openapi", schema(minimum = 0, maximum = 100))]
    pub max_kw: f64,
}

/// The highest contracted power the settings accept, kW.
pub const MAX_CONTRACTED_KW: f64 = 100.0;

/// `PUT /api/chargers/{id}/dynamic-power`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct DynamicPower {
    pub enabled: bool,
    pub scheme: Scheme,
    #[cfg_attr(feature = "openapi", schema(minimum = 1, maximum = 100))]
    pub contracted_kw: f64,
    pub pv_mode: PvMode,
    /// Monday to Friday; the slots must cover 24 hours without overlap.
    pub weekdays: Vec<ProfileSlot>,
    /// Saturday and Sunday; same rule.
    pub weekends: Vec<ProfileSlot>,
}

impl Default for DynamicPower {
    fn default() -> Self {
        let all_day = vec![ProfileSlot { span: Span { start: 0, end: DAY }, max_kw: 4.6 }];
        DynamicPower {
            enabled: false,
            scheme: Scheme::Standard,
            contracted_kw: 4.6,
            pv_mode: PvMode::MaximumPower,
            weekdays: all_day.clone(),
            weekends: all_day,
        }
    }
}

impl DynamicPower {
    /// Checks the power and both profiles (fields `contracted_kw`, `weekdays`, `weekends`,
    /// `weekdays.2.max_kw`…).
    pub fn validate(&self) -> Result<(), FieldErrors> {
        let mut errors = FieldErrors::new();
        errors.check("contracted_kw", in_range(self.contracted_kw, 1.0, MAX_CONTRACTED_KW));
        for (field, slots) in [("weekdays", &self.weekdays), ("weekends", &self.weekends)] {
            for (index, slot) in slots.iter().enumerate() {
                errors
                    .check(&format!("{field}.{index}.max_kw"), in_range(slot.max_kw, 0.0, MAX_CONTRACTED_KW));
            }
            let spans: Vec<Span> = slots.iter().map(|slot| slot.span).collect();
            errors.check(field, check_cover(&spans));
        }
        errors.into_result()
    }

    /// The most the house may draw at this local time, W: the profile's slot, never above
    /// the contracted power.
    pub fn limit_w(&self, local: NaiveDateTime) -> f64 {
        let weekend = local.weekday().num_days_from_monday() >= 5;
        let slots = if weekend { &self.weekends } else { &self.weekdays };
        let minute = (local.hour() * 60 + local.minute()) as u16;
        let slot_kw =
            slots.iter().find(|slot| slot.span.contains(minute)).map_or(self.contracted_kw, |s| s.max_kw);
        slot_kw.min(self.contracted_kw) * 1000.0
    }

    /// The charging current (A) the charger sets: what the limit leaves after the house,
    /// within the charger's limits; `None` when that is below the minimum (it waits).
    pub fn current_for(
        &self,
        local: NaiveDateTime,
        house_w: f64,
        pv_w: f64,
        volts_x_phases: f64,
        min_a: u8,
        max_a: u8,
    ) -> Option<u8> {
        let room_w = match self.pv_mode {
            PvMode::PvOnly => pv_w - house_w,
            PvMode::PvPlusMinimum => (pv_w - house_w).max(f64::from(min_a) * volts_x_phases),
            PvMode::MaximumPower => self.limit_w(local) - house_w,
        };
        let room_w = room_w.min(self.limit_w(local) - house_w);
        let amps = (room_w / volts_x_phases).floor();
        if amps < f64::from(min_a) { None } else { Some(amps.min(f64::from(max_a)) as u8) }
    }
}

/// The reason a profile is refused, for the portal to show before sending.
pub fn profile_problem(slots: &[ProfileSlot]) -> Option<Problem> {
    check_cover(&slots.iter().map(|slot| slot.span).collect::<Vec<_>>()).err()
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;

    use super::*;

    fn slot(start: u16, end: u16, max_kw: f64) -> ProfileSlot {
        ProfileSlot { span: Span { start: start * 60, end: end * 60 }, max_kw }
    }

    #[test]
    fn profiles_must_cover_the_day_on_weekdays_and_weekends() {
        let mut power =
            DynamicPower { weekdays: vec![slot(0, 8, 3.0), slot(10, 24, 4.6)], ..DynamicPower::default() };
        let errors = power.validate().unwrap_err();
        assert_eq!(errors.get("weekdays"), Some(&Problem::Uncovered("08:00–10:00".to_owned())));
        assert!(errors.get("weekends").is_none());
        power.weekdays.push(slot(8, 10, 2.0));
        power.weekends = vec![slot(0, 14, 4.6), slot(12, 24, 4.6)];
        assert_eq!(
            power.validate().unwrap_err().get("weekends"),
            Some(&Problem::Overlapping("12:00–14:00".to_owned()))
        );
        power.weekends = vec![slot(0, 24, 4.6)];
        assert_eq!(power.validate(), Ok(()));
        power.contracted_kw = 0.0;
        assert!(power.validate().unwrap_err().get("contracted_kw").is_some());
    }

    #[test]
    fn the_current_leaves_room_for_the_house_and_never_passes_the_contracted_power() {
        let power = DynamicPower {
            enabled: true,
            contracted_kw: 5.75,
            weekdays: vec![slot(0, 8, 5.75), slot(8, 24, 3.45)],
            ..DynamicPower::default()
        };
        // Monday 02:00: 5750 W − 1150 W of house = 4600 W = 20 A at 230 V.
        let night = NaiveDate::from_ymd_opt(2025, 11, 24).unwrap().and_hms_opt(2, 0, 0).unwrap();
        assert_eq!(power.current_for(night, 1150.0, 0.0, 230.0, 6, 32), Some(20));
        assert_eq!(power.current_for(night, 1150.0, 0.0, 230.0, 6, 16), Some(16), "the charger's maximum");
        // 10:00, the profile allows 3450 W: with 2500 W of house, 950 W is under 6 A: wait.
        let day = night.with_hour(10).unwrap();
        assert_eq!(power.current_for(day, 2500.0, 0.0, 230.0, 6, 32), None);
        let solar = DynamicPower { pv_mode: PvMode::PvOnly, ..power.clone() };
        assert_eq!(solar.current_for(day, 500.0, 3000.0, 230.0, 6, 32), Some(10), "2500 W of surplus");
        assert_eq!(solar.current_for(day, 500.0, 1000.0, 230.0, 6, 32), None);
        let topped = DynamicPower { pv_mode: PvMode::PvPlusMinimum, ..power };
        assert_eq!(topped.current_for(day, 500.0, 1000.0, 230.0, 6, 32), Some(6));
    }
}
