//! The shell's entry point: mounts `<App/>` on the page body and nothing else.

#[cfg(target_arch = "wasm32")]
fn main() {
    leptos::mount::mount_to_body(shell::app::App);
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    eprintln!("The Portico shell runs in a browser: build it with `trunk build` or `cargo xtask build`.");
}
