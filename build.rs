//! The app's wasm keeps its relocations: wasm-split (`tools/split-wasm.mjs`) needs them to
//! cut it into modules. Only the app binary: the public bundle is not split.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=charge-portal=--emit-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
