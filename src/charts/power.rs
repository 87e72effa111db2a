//! The live power chart of a charger: the last minutes, one sample a second.

use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;

use crate::format;
use crate::i18n::use_i18n;

/// The chart's height in CSS pixels; its width is its container's.
const HEIGHT: u32 = 240;

/// Seconds of history the chart shows.
pub const WINDOW_SECS: u32 = 300;

const LINE: RGBColor = RGBColor(11, 122, 90);
const GRID: RGBColor = RGBColor(213, 220, 227);
const INK: RGBColor = RGBColor(74, 86, 99);

/// Charging power over the last [`WINDOW_SECS`], redrawn whenever `samples` changes.
#[component]
pub fn PowerChart(
    /// `(unix ms, W)` samples, oldest first.
    #[prop(into)]
    samples: Signal<Vec<(i64, f32)>>,
    /// What the chart shows, in words, for screen readers.
    #[prop(into)]
    description: Signal<String>,
    /// The axis unit labels: "min" and "kW" in the user's language.
    #[prop(into)]
    minutes_label: Signal<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    let canvas = NodeRef::<html::Canvas>::new();
    let width = super::use_width();
    Effect::new(move |_| {
        let Some(canvas) = canvas.get() else { return };
        let minutes = minutes_label.get();
        let language = i18n.language();
        super::fit(&canvas, width.get());
        samples.with(|samples| {
            if let Err(error) = draw(&canvas, samples, minutes, language) {
                leptos::logging::warn!("power chart: {error}");
            }
        });
    });
    view! {
        <canvas class="power-chart" node_ref=canvas width="760" height=HEIGHT role="img" aria-label=description>
        </canvas>
    }
}

fn draw(
    canvas: &web_sys::HtmlCanvasElement,
    samples: &[(i64, f32)],
    minutes: &str,
    language: charge_model::Language,
) -> Result<(), Box<dyn std::error::Error>> {
    let backend = CanvasBackend::with_canvas_object(canvas.clone()).ok_or("no 2D context")?;
    let root = backend.into_drawing_area();
    root.fill(&WHITE)?;
    let now = samples.last().map_or(0, |s| s.0);
    let peak_kw = samples.iter().map(|s| s.1 / 1000.0).fold(0.0_f32, f32::max);
    let top = nice_ceiling(peak_kw.max(1.0));
    let window = WINDOW_SECS as f32 / 60.0;
    let mut chart = ChartBuilder::on(&root)
        .margin(12)
        .x_label_area_size(30)
        .y_label_area_size(52)
        .build_cartesian_2d(-window..0.0_f32, 0.0_f32..top)?;
    let label_style = ("sans-serif", 13).into_font().color(&INK);
    chart
        .configure_mesh()
        .disable_x_mesh()
        .light_line_style(WHITE)
        .bold_line_style(GRID)
        .axis_style(GRID)
        .x_labels(6)
        .y_labels(5)
        .label_style(label_style)
        .x_label_formatter(&|x| {
            let minutes_ago = (-x).round() as i32;
            if minutes_ago == 0 { String::new() } else { format!("-{minutes_ago} {minutes}") }
        })
        .y_label_formatter(&|kw| {
            format!("{} kW", format::decimal(f64::from(*kw), u8::from(top < 5.0), language))
        })
        .draw()?;
    let points = samples.iter().map(|&(at, watts)| ((at - now) as f32 / 60_000.0, watts / 1000.0));
    chart.draw_series(AreaSeries::new(points, 0.0, LINE.mix(0.15)).border_style(LINE.stroke_width(2)))?;
    root.present()?;
    Ok(())
}

/// The next "round" number above `value` for the top of an axis: 1, 2, 3, 4, 5, 6, 8, 10…
fn nice_ceiling(value: f32) -> f32 {
    const STEPS: [f32; 14] = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 8.0, 10.0, 12.0, 16.0, 20.0, 24.0, 32.0, 48.0];
    STEPS.into_iter().find(|&step| step >= value * 1.1).unwrap_or(value.ceil())
}

#[cfg(test)]
mod tests {
    use super::nice_ceiling;

    #[test]
    fn the_axis_top_leaves_headroom_above_the_peak() {
        assert_eq!(nice_ceiling(1.0), 2.0);
        assert_eq!(nice_ceiling(3.68), 5.0);
        assert_eq!(nice_ceiling(7.36), 10.0);
        assert_eq!(nice_ceiling(22.0), 32.0);
        assert_eq!(nice_ceiling(60.0), 60.0);
    }
}
