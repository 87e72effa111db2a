//! Answers to requests that `index.html`'s boot script starts while the wasm is still on its
//! way (`window.cpBoot`): the configuration, the session and, on the charger list, the list
//! and the invitations. Each is taken once, by the first call that would ask for it; a request
//! the script did not start, or that failed there, is made the usual way.

use gloo_net::http::Response;
use js_sys::{Object, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `window.cpBoot`, if the boot script ran.
fn boot() -> Option<JsValue> {
    Reflect::get(&JsValue::from(web_sys::window()?), &JsValue::from_str("cpBoot"))
        .ok()
        .filter(JsValue::is_object)
}

/// Awaits the promise at `key` of `object`, removing it so that it is used once.
async fn take(object: &JsValue, key: &str) -> Option<JsValue> {
    let key = JsValue::from_str(key);
    let promise = Reflect::get(object, &key).ok()?.dyn_into::<Promise>().ok()?;
    Reflect::delete_property(object.unchecked_ref::<Object>(), &key).ok()?;
    JsFuture::from(promise).await.ok()
}

/// The API base URL the boot script read from `/config.json`.
pub(crate) async fn api_base() -> Option<String> {
    take(&boot()?, "base").await?.as_string()
}

/// The answer to `GET path` the boot script started, if any.
pub(super) async fn response(path: &str) -> Option<Result<Response, gloo_net::Error>> {
    let requests = Reflect::get(&boot()?, &JsValue::from_str("requests")).ok()?;
    let answer = take(&requests, path).await?;
    answer.dyn_into::<web_sys::Response>().ok().map(|raw| Ok(Response::from(raw)))
}
