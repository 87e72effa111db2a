//! Charts: light ones drawn on a canvas with plotters (the power and price charts), and
//! interactive ones drawn by ECharts, loaded only with the statistics views.

pub mod echarts;
pub mod power;
pub mod prices;

use leptos::prelude::*;

/// A count of the window's resizes, for canvases that follow their container's width: an
/// effect that reads it redraws after each resize.
pub(crate) fn use_width() -> ReadSignal<u32> {
    let (resizes, set_resizes) = signal(0_u32);
    let handle = window_event_listener(leptos::ev::resize, move |_| set_resizes.update(|n| *n += 1));
    on_cleanup(move || handle.remove());
    resizes
}

/// Gives `canvas` as many pixels across as it is wide on the page (its CSS width is its
/// container's), so that a phone gets a narrower chart rather than a shrunken one. The
/// height stays that of its `height` attribute.
pub(crate) fn fit(canvas: &web_sys::HtmlCanvasElement, _resizes: u32) {
    let width = canvas.client_width();
    if width > 0 && width as u32 != canvas.width() {
        canvas.set_width(width as u32);
    }
}
