//! The regulated energy term of the 2.0TD access tariff: transport and distribution tolls
//! (peajes, set by the CNMC) plus system charges (cargos, set by the Ministry), in €/kWh by
//! period, by the dates they apply from. An indexed tariff adds them to the market price; a
//! PVPC price already contains them (REE/ESIOS indicator 1001 is the final energy term), so
//! PVPC never adds them again.
//!
//! Each figure below is the sum peajes + cargos of the energy term, copied from a published
//! source named beside it (see also `model/TOLLS_SOURCES.md`). The split between peajes and
//! cargos was not confirmed from a source, so only the sum is kept: it is what a kWh pays.

use chrono::NaiveDate;

use crate::tariff::{Period, Price};

/// The energy term of peajes + cargos for each 2.0TD period, from a date on (local time,
/// peninsula).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegulatedTerms {
    /// The first day these values apply.
    pub from: (i32, u32, u32),
    /// µ€/kWh for P1, P2 and P3.
    pub energy: [Price; 3],
    /// Where the figures were read.
    pub source: &'static str,
}

/// The values in force, oldest first. A row applies from its date until the next row's.
pub const REGULATED_20TD: [RegulatedTerms; 3] = [
    RegulatedTerms {
        from: (2024, 1, 1),
        // 0.076974, 0.027963, 0.002752 €/kWh.
        energy: [Price(76_974), Price(27_963), Price(2_752)],
        source: "Peajes: CNMC Resolución de 21 de diciembre de 2023 (BOE-A-2023-26251); \
                 cargos: Orden TED/113/2024 (BOE-A-2024-2774). Sum read from \
                 https://www.respiraenergia.com/Market/DistributorTaxes (2.0TD, 01/01/2024, TE)",
    },
    RegulatedTerms {
        from: (2025, 1, 1),
        // 0.092539, 0.028201, 0.002994 €/kWh.
        energy: [Price(92_539), Price(28_201), Price(2_994)],
        source: "Peajes: CNMC Resolución de diciembre de 2024 (RAP/DE/009/24); cargos: Orden \
                 TED/1487/2024 (BOE-A-2024-27289). Sum read from \
                 https://www.respiraenergia.com/Market/DistributorTaxes (2.0TD, 01/01/2025 and \
                 01/04/2025, TE); the same three figures are the peajes y cargos lines of a 2025 \
                 PVPC bill parsed in github.com/ismaelz001/RapidEnergy",
    },
    RegulatedTerms {
        from: (2026, 1, 1),
        // 0.097553, 0.029267, 0.003292 €/kWh: peajes 0.033261 / 0.016409 / 0.000077 plus
        // cargos 0.064292 / 0.012858 / 0.003215.
        energy: [Price(97_553), Price(29_267), Price(3_292)],
        source: "Peajes: CNMC Resolución de 18 de diciembre de 2025 (BOE-A-2025-26348, anexo I); \
                 cargos: Orden TED/1524/2025, de 23 de diciembre (BOE-A-2025-26705, segmento \
                 tarifario 1). The sum matches ESIOS PVPC TEUPCB of 2026 (97.55 / 29.27 / 3.29 \
                 €/MWh)",
    },
];

/// The last day the table is confirmed for: the 2027 values are not published yet, so from
/// 2027 on the 2026 values are used and the cost is marked as estimated.
pub const CONFIRMED_UNTIL: (i32, u32, u32) = (2026, 12, 31);

fn date((year, month, day): (i32, u32, u32)) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, month, day).unwrap_or_default()
}

/// A regulated value and whether it is an estimate (a day outside the confirmed table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegulatedQuote {
    pub price: Price,
    pub estimated: bool,
}

/// Peajes + cargos of the energy term of `period` on the local day `day`: the row in force
/// then; before the first row, the first row's values, and after [`CONFIRMED_UNTIL`] the
/// last row's, both as estimates.
pub fn energy_term(day: NaiveDate, period: Period) -> RegulatedQuote {
    let row = REGULATED_20TD.iter().rev().find(|row| date(row.from) <= day).unwrap_or(&REGULATED_20TD[0]);
    let index = match period {
        Period::P1 => 0,
        Period::P2 => 1,
        Period::P3 => 2,
    };
    RegulatedQuote {
        price: row.energy[index],
        estimated: day < date(REGULATED_20TD[0].from) || day > date(CONFIRMED_UNTIL),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn each_day_takes_the_values_in_force_then() {
        let confirmed = |price| RegulatedQuote { price: Price(price), estimated: false };
        assert_eq!(energy_term(day(2024, 12, 31), Period::P1), confirmed(76_974));
        assert_eq!(energy_term(day(2025, 1, 1), Period::P1), confirmed(92_539));
        assert_eq!(energy_term(day(2024, 6, 3), Period::P2), confirmed(27_963));
        assert_eq!(energy_term(day(2025, 6, 3), Period::P3), confirmed(2_994));
        assert_eq!(energy_term(day(2025, 12, 31), Period::P1), confirmed(92_539));
        assert_eq!(energy_term(day(2026, 1, 1), Period::P1), confirmed(97_553));
        assert_eq!(energy_term(day(2026, 12, 3), Period::P2), confirmed(29_267));
        assert_eq!(energy_term(day(2026, 7, 1), Period::P3), confirmed(3_292));
    }

    #[test]
    fn days_outside_the_confirmed_table_are_estimates() {
        let later = energy_term(day(2027, 3, 2), Period::P1);
        assert_eq!(later, RegulatedQuote { price: Price(97_553), estimated: true });
        assert!(energy_term(day(2023, 12, 31), Period::P3).estimated);
        assert!(!energy_term(day(2026, 12, 31), Period::P3).estimated);
    }

    #[test]
    fn the_rows_run_oldest_first_and_every_row_names_its_source() {
        assert!(REGULATED_20TD.windows(2).all(|pair| date(pair[0].from) < date(pair[1].from)));
        assert!(REGULATED_20TD.iter().all(|row| !row.source.is_empty()));
        assert!(date(REGULATED_20TD[REGULATED_20TD.len() - 1].from) <= date(CONFIRMED_UNTIL));
    }
}
