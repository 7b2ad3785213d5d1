//! Dev tools in a debug build, in Chromium (`wasm-bindgen-test`; debug builds always carry them): an override kept
//! in this browser's storage replaces one remote's manifest URL and no other.

#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::wasm_bindgen_test;

wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .expect("the test browser has localStorage")
}

#[wasm_bindgen_test]
fn a_stored_override_replaces_only_its_own_remote() {
    let storage = storage();
    storage
        .set_item(
            "portico-overrides",
            r#"[{"remote":"orders","manifest_url":"http://127.0.0.1:9000/remotes/orders/remote.json"}]"#,
        )
        .unwrap();
    assert_eq!(
        shell::devtools::manifest_override("orders").as_deref(),
        Some("http://127.0.0.1:9000/remotes/orders/remote.json")
    );
    assert_eq!(shell::devtools::manifest_override("dashboard"), None);
    storage.set_item("portico-overrides", "not json").unwrap();
    assert_eq!(shell::devtools::manifest_override("orders"), None);
    storage.remove_item("portico-overrides").unwrap();
}
