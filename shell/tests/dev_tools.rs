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

/// Resolves after `ms` milliseconds.
async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| {
        web_sys::window()
            .unwrap()
            .set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms)
            .unwrap();
    });
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

#[wasm_bindgen_test]
async fn the_debug_overlay_lists_each_remote_and_the_session() {
    use leptos::prelude::*;
    use shell::remote_load::RemoteLoad;
    use wasm_bindgen::JsCast;

    let window = web_sys::window().unwrap();
    window
        .history()
        .unwrap()
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("?portico-debug"))
        .unwrap();
    let document = window.document().unwrap();
    let host: web_sys::HtmlElement = document.create_element("div").unwrap().unchecked_into();
    document.body().unwrap().append_child(&host).unwrap();
    let _mounted = leptos::mount::mount_to(host.clone(), || {
        shell::session::SessionStore::provide_and_bootstrap();
        view! { <shell::devtools::DevTools /> }
    });
    shell::devtools::record("orders", &RemoteLoad::Fetching);
    shell::devtools::record("orders", &RemoteLoad::Verifying);
    shell::devtools::record("orders", &RemoteLoad::Mounted);
    sleep(1_500).await;
    let text = host.text_content().unwrap_or_default();
    assert!(text.contains("Portico debug") && text.contains("Session:"), "{text}");
    assert!(text.contains("orders") && text.contains("Mounted"), "{text}");
    assert!(text.contains("Fetching 0 ms"), "the stage timings are missing: {text}");
}
