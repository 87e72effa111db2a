//! Charts: light ones drawn on a canvas with plotters (the power and price charts), and
//! interactive ones drawn by ECharts, loaded only with the statistics views.

pub mod echarts;
pub mod power;
pub mod prices;
