//! Interactive charts: options built with charming, drawn by ECharts. ECharts (a separate
//! script, `vendor/echarts.js`, bundled by `tools/build-echarts.mjs`, served under a content-hashed name) is loaded the first time
//! a chart is shown, so the login and charger-list pages never download it.

use std::cell::RefCell;
use std::rc::Rc;

use charming::component::{Axis, Grid, Legend};
use charming::element::{Color, Tooltip};
use charming::series::Bar;
use js_sys::{Function, Object, Promise, Reflect};
use leptos::html;
use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

use crate::assets::asset;

/// Where the ECharts bundle is, beside `index.html` (served under a hashed name: [`asset`]).
const SCRIPT: &str = "/vendor/echarts.js";

#[wasm_bindgen]
extern "C" {
    /// An ECharts instance bound to one element.
    type Instance;

    #[wasm_bindgen(js_namespace = echarts, js_name = init)]
    fn init(element: &web_sys::HtmlElement, theme: &JsValue, options: &JsValue) -> Instance;

    #[wasm_bindgen(method, js_name = setOption)]
    fn set_option(this: &Instance, option: &JsValue, options: &JsValue);

    #[wasm_bindgen(method)]
    fn resize(this: &Instance);

    #[wasm_bindgen(method)]
    fn dispose(this: &Instance);

    #[wasm_bindgen(method)]
    fn on(this: &Instance, event: &str, handler: &Function);
}

thread_local! {
    /// The script's loading, shared by every chart; dropped on failure so that a retry loads again.
    static LOADING: RefCell<Option<Promise>> = const { RefCell::new(None) };
}

/// Starts loading ECharts now, if it is not loading or loaded yet. Synchronous, so that a
/// click handler starts the download before the router builds the next page.
pub fn start_loading() {
    let _started = loading();
}

/// The script's loading, started on the first call.
fn loading() -> Promise {
    LOADING.with(|loading| loading.borrow_mut().get_or_insert_with(inject_script).clone())
}

/// Loads ECharts once (later calls wait for the same load).
pub async fn load() -> Result<(), String> {
    match JsFuture::from(loading()).await {
        Ok(_) => Ok(()),
        Err(error) => {
            LOADING.with(|loading| loading.borrow_mut().take());
            Err(error.as_string().unwrap_or_else(|| "ECharts did not load".to_owned()))
        }
    }
}

/// A `<script>` for ECharts in the document's head, and a promise of its loading.
fn inject_script() -> Promise {
    Promise::new(&mut |resolve, reject| {
        let Some(document) = web_sys::window().and_then(|w| w.document()) else {
            let _ = reject.call1(&JsValue::NULL, &"no document".into());
            return;
        };
        if Reflect::has(&js_sys::global(), &"echarts".into()).unwrap_or(false) {
            let _ = resolve.call0(&JsValue::NULL);
            return;
        }
        let Ok(script) = document.create_element("script") else {
            let _ = reject.call1(&JsValue::NULL, &"no script element".into());
            return;
        };
        let _ = script.set_attribute("src", &asset(SCRIPT));
        let failed = Closure::once_into_js(move || {
            let _ = reject.call1(&JsValue::NULL, &format!("could not load {SCRIPT}").into());
        });
        let _ = script.add_event_listener_with_callback("load", resolve.unchecked_ref());
        let _ = script.add_event_listener_with_callback("error", failed.unchecked_ref());
        if let Some(head) = document.head() {
            let _ = head.append_child(&script);
        }
    })
}

/// A bar chart's ECharts options, from charming's components. Not charming's `Chart`: its
/// serializer reaches every series and component ECharts has, which added 135 KB (gzip) to
/// the app's wasm; this reaches only the five used here (about 12 KB).
#[derive(Debug, Clone, Default, serde::Serialize)]
#[serde(rename_all = "camelCase")]
pub struct BarChart {
    pub color: Vec<Color>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub animation_duration: Option<f64>,
    pub grid: Grid,
    pub tooltip: Tooltip,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub legend: Option<Legend>,
    pub x_axis: Axis,
    pub y_axis: Axis,
    pub series: Vec<Bar>,
}

/// A value formatter handed to ECharts.
type Formatter = Closure<dyn Fn(JsValue) -> JsValue>;

impl BarChart {
    /// Bars of `series` over the `labels` axis, with a tooltip for the hovered label.
    pub fn new(labels: Vec<String>, series: Vec<Bar>) -> BarChart {
        BarChart {
            color: vec!["#0b7a5a".into()],
            animation_duration: Some(300.0),
            // The grid holds the axis labels, however long ("1.200,00 kWh" in Spanish).
            grid: Grid::new().left(8).right(16).top(16).bottom(8).contain_label(true),
            tooltip: Tooltip::new().trigger(charming::element::Trigger::Axis),
            legend: None,
            x_axis: Axis::new().type_(charming::element::AxisType::Category).data(labels),
            y_axis: Axis::new().type_(charming::element::AxisType::Value),
            series,
        }
    }
}

/// What a chart shows, and how values read in the tooltip and on the value axis (ECharts
/// would write `12.5`; this writes "12,5 kWh" in Spanish).
#[derive(Clone)]
pub struct ChartSpec {
    pub chart: BarChart,
    pub value: Rc<dyn Fn(f64) -> String>,
}

/// A chart drawn by ECharts into a `<div>`, redrawn whenever `spec`'s signals change. `label`
/// describes it to screen readers (the figures are in a table beside it). `drawn` is marked
/// in the Performance timeline when it is first drawn (the statistics benchmark reads it).
#[component]
pub fn EChart(
    /// Tracked: the chart is redrawn when what it reads changes.
    spec: impl Fn() -> ChartSpec + 'static,
    #[prop(into)] label: Signal<String>,
    #[prop(optional)] drawn: Option<&'static str>,
    #[prop(optional, into)] class: String,
) -> impl IntoView {
    let element = NodeRef::<html::Div>::new();
    let loaded = LocalResource::new(load);
    let instance: StoredValue<Option<Instance>, LocalStorage> = StoredValue::new_local(None);
    // The value formatter handed to ECharts, kept alive while it may call it.
    let formatter: StoredValue<Option<Formatter>, LocalStorage> = StoredValue::new_local(None);

    Effect::new(move |_| {
        let (Some(element), Some(Ok(()))) = (element.get(), loaded.get()) else { return };
        let spec = spec();
        let chart = instance.with_value(|i| i.is_none()).then(|| {
            let options = Object::new();
            let _ = Reflect::set(&options, &"renderer".into(), &"canvas".into());
            let chart = init(&element, &JsValue::NULL, &options);
            if let Some(mark) = drawn {
                let mut marked = false;
                let first_frame = Closure::<dyn FnMut()>::new(move || {
                    if !std::mem::replace(&mut marked, true)
                        && let Some(performance) = web_sys::window().and_then(|w| w.performance())
                    {
                        let _ = performance.mark(mark);
                    }
                });
                chart.on("rendered", first_frame.into_js_value().unchecked_ref());
            }
            chart
        });
        if let Some(chart) = chart {
            instance.set_value(Some(chart));
        }
        let value = spec.value.clone();
        let closure =
            Formatter::new(move |raw: JsValue| raw.as_f64().map(|v| JsValue::from(value(v))).unwrap_or(raw));
        let option = match options_of(&spec.chart, closure.as_ref().unchecked_ref()) {
            Ok(option) => option,
            Err(error) => {
                leptos::logging::warn!("chart options: {error}");
                return;
            }
        };
        let replace = Object::new();
        let _ = Reflect::set(&replace, &"notMerge".into(), &true.into());
        instance.with_value(|chart| {
            if let Some(chart) = chart {
                chart.set_option(&option, &replace);
            }
        });
        formatter.set_value(Some(closure));
    });

    // Drawn at the element's size, and again whenever it changes (it may have none yet
    // when the chart is made, inside a view not yet in the document).
    let resize = Closure::<dyn FnMut()>::new(move || {
        instance.try_with_value(|chart| chart.as_ref().map(Instance::resize));
    })
    .into_js_value();
    let observer = web_sys::ResizeObserver::new(resize.unchecked_ref()).ok();
    Effect::new({
        let observer = observer.clone();
        move |_| {
            if let (Some(element), Some(observer)) = (element.get(), &observer) {
                observer.observe(&element);
            }
        }
    });
    on_cleanup(move || {
        if let Some(observer) = observer {
            observer.disconnect();
        }
        if let Some(Some(chart)) = instance.try_update_value(Option::take) {
            chart.dispose();
        }
    });

    view! {
        <div class=format!("echart {class}") role="img" aria-label=label>
            <div class="echart-canvas" node_ref=element></div>
            {move || match loaded.get() {
                None => Some(view! { <p class="loading chart-status" role="status">{crate::i18n::tr(|t| t.loading)}</p> }.into_any()),
                Some(Err(_)) => Some(view! { <p class="form-error chart-status" role="alert">{crate::i18n::tr(|t| t.chart_failed)}</p> }.into_any()),
                Some(Ok(())) => None,
            }}
        </div>
    }
}

/// The chart's options as a JavaScript object, with `value` as the tooltip's value formatter
/// and the value axes' label formatter.
fn options_of(chart: &BarChart, value: &Function) -> Result<JsValue, String> {
    let json = serde_json::to_string(chart).map_err(|e| e.to_string())?;
    let option = js_sys::JSON::parse(&json).map_err(|_| "unreadable chart options".to_owned())?;
    let set = |target: &JsValue, key: &str, to: &JsValue| {
        let _ = Reflect::set(target, &key.into(), to);
    };
    let tooltip = Reflect::get(&option, &"tooltip".into()).unwrap_or(JsValue::UNDEFINED);
    if tooltip.is_object() {
        set(&tooltip, "valueFormatter", value);
    }
    let axes = Reflect::get(&option, &"yAxis".into()).unwrap_or(JsValue::UNDEFINED);
    let axes: Vec<JsValue> = if axes.is_array() { js_sys::Array::from(&axes).to_vec() } else { vec![axes] };
    for axis in axes.iter().filter(|a| a.is_object()) {
        let label =
            Reflect::get(axis, &"axisLabel".into()).ok().filter(JsValue::is_object).unwrap_or_else(|| {
                let label: JsValue = Object::new().into();
                set(axis, "axisLabel", &label);
                label
            });
        set(&label, "formatter", value);
    }
    Ok(option)
}
