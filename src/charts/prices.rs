//! The price chart of the tariff page: today and tomorrow, one bar per price period,
//! estimated prices lighter.

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::format;
use crate::i18n::use_i18n;

const BAR: RGBColor = RGBColor(11, 122, 90);
const ESTIMATE: RGBColor = RGBColor(160, 200, 186);
const CHEAPEST: RGBColor = RGBColor(26, 86, 219);
const GRID: RGBColor = RGBColor(213, 220, 227);
const INK: RGBColor = RGBColor(74, 86, 99);

/// One bar: hours since the first day's midnight (local), its length in hours, €/kWh.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bar {
    pub from_h: f64,
    pub hours: f64,
    pub euros_per_kwh: f64,
    pub estimated: bool,
    pub cheapest: bool,
}

/// Bars over 48 hours; `day_labels` name the two days under the axis.
#[component]
pub fn PriceChart(
    #[prop(into)] bars: Signal<Vec<Bar>>,
    #[prop(into)] description: Signal<String>,
    #[prop(into)] day_labels: Signal<[String; 2]>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<html::Canvas>::new();
    let width = super::use_width();
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        let labels = day_labels.get();
        let language = i18n.language();
        super::fit(&canvas, width.get());
        bars.with(|bars| {
            if let Err(error) = draw(&canvas, bars, &labels, language) {
                leptos::logging::warn!("price chart: {error}");
            }
        });
    });
    view! {
        <canvas class="price-chart" node_ref=canvas width="760" height="260" role="img" aria-label=description></canvas>
    }
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    bars: &[Bar],
    labels: &[String; 2],
    language: charge_model::Language,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let top = bars.iter().map(|b| b.euros_per_kwh).fold(0.05_f64, f64::max) * 1.15;
    let bottom = bars.iter().map(|b| b.euros_per_kwh).fold(0.0_f64, f64::min);
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(34)
        .y_label_area_size(60)
        .build_cartesian_2d(0.0_f64..48.0_f64, bottom..top)?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(GRID)
        // The hours are drawn below, every 6: the mesh's own keys fall every 5.
        .x_labels(0)
        .y_labels(6)
        .label_style(("sans-serif", 12).into_font().color(&INK))
        .y_label_formatter(&|euros| format!("{} €", format::decimal(*euros, 2, language)))
        .draw()?;
    chart.draw_series(bars.iter().map(|bar| {
        let color = if bar.cheapest {
            CHEAPEST
        } else if bar.estimated {
            ESTIMATE
        } else {
            BAR
        };
        let gap = (bar.hours * 0.12).min(0.1);
        Rectangle::new(
            [(bar.from_h + gap, 0.0), (bar.from_h + bar.hours - gap, bar.euros_per_kwh)],
            color.filled(),
        )
    }))?;
    // Midnight between the two days.
    chart.draw_series(std::iter::once(PathElement::new([(24.0, bottom), (24.0, top)], INK.mix(0.5))))?;
    // Hours every 6 (or 12) under the axis, with their ticks; the days' names above.
    let font = ("sans-serif", 12).into_font().color(&INK);
    // A narrow chart (a phone) has room for a time every 12 hours.
    let step = if root.dim_in_pixel().0 < 520 { 12 } else { 6 };
    for hour in (0..48).step_by(step) {
        let (x, y) = chart.backend_coord(&(f64::from(hour), bottom));
        root.draw(&PathElement::new([(x, y), (x, y + 5)], GRID))?;
        root.draw_text(&format!("{:02}:00", hour % 24), &font, (x - 14, y + 8))?;
    }
    for (day, label) in labels.iter().enumerate() {
        let (x, _) = chart.backend_coord(&(24.0 * day as f64, top));
        root.draw_text(label, &font.clone().color(&BLACK), (x + 6, 2))?;
    }
    root.present()?;
    Ok(())
}
