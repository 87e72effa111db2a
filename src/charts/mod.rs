//! Charts drawn on a canvas with plotters (light, no JavaScript library).

pub mod power;
pub mod prices;
