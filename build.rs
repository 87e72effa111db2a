//! The bundles' wasm keeps its relocations: wasm-split (`tools/split-wasm.mjs`) needs them to
//! cut each into modules.
fn main() {
    if std::env::var("CARGO_CFG_TARGET_ARCH").as_deref() == Ok("wasm32") {
        println!("cargo:rustc-link-arg-bin=charge-portal=--emit-relocs");
        println!("cargo:rustc-link-arg-bin=public=--emit-relocs");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
