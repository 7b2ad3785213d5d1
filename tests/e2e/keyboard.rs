//! A keyboard-only journey: Tab, Shift+Tab, typing, Enter and Space, never a click or a script-made focus. It signs
//! in, opens orders and one order (inside the orders remote's isolated frame), and signs out.

use anyhow::{Result, bail};
use e2e::Journey;
use fantoccini::actions::{InputSource, KeyAction, KeyActions};
use serde_json::{Value, json};

use crate::ALICE;

const TAB: char = '\u{E004}';
const SHIFT: char = '\u{E008}';
const ENTER: char = '\u{E007}';

/// Presses `chord` (all keys down in order, then up in reverse), wherever focus is.
async fn press(journey: &Journey, chord: &[char]) -> Result<()> {
    let mut actions = KeyActions::new("keyboard".into());
    for key in chord {
        actions = actions.then(KeyAction::Down { value: *key });
    }
    for key in chord.iter().rev() {
        actions = actions.then(KeyAction::Up { value: *key });
    }
    journey.browser.perform_actions(actions).await?;
    Ok(())
}

async fn type_text(journey: &Journey, text: &str) -> Result<()> {
    for key in text.chars() {
        press(journey, &[key]).await?;
    }
    Ok(())
}

/// What has focus: `{frame, tag, id, text}`, followed into a remote's frame (`frame` is its remote, or null).
pub async fn focused(journey: &Journey) -> Result<Value> {
    const ACTIVE: &str = "const e = document.activeElement; \
        return { tag: e.tagName, id: e.id, text: e.textContent.trim(), frame: e.tagName === 'IFRAME' ? e.title : null };";
    let top = journey.script(ACTIVE).await?;
    let Some(remote) = top["frame"].as_str() else {
        return Ok(top);
    };
    crate::isolation::enter_remote_frame(journey, remote).await?;
    let mut inside = journey.frame_script(ACTIVE).await?;
    journey.browser.enter_parent_frame().await?;
    inside["frame"] = json!(remote);
    Ok(inside)
}

/// Presses Tab (Shift+Tab when `backwards`) until `wanted` has focus, at most 25 times.
async fn tab_to(journey: &Journey, backwards: bool, what: &str, wanted: impl Fn(&Value) -> bool) -> Result<()> {
    let chord: &[char] = if backwards { &[SHIFT, TAB] } else { &[TAB] };
    let mut path = Vec::new();
    for _ in 0..25 {
        press(journey, chord).await?;
        let now = focused(journey).await?;
        if wanted(&now) {
            return Ok(());
        }
        path.push(format!("{} {:?}", now["tag"], now["text"].as_str().unwrap_or_default()));
    }
    bail!("Tab never reached {what}; it went through {}", path.join(" → "))
}

#[tokio::test]
async fn with_the_keyboard_alone_alice_signs_in_opens_an_order_and_signs_out() -> Result<()> {
    let journey = Journey::start().await?;
    let order = journey.order_ids_of(ALICE.0).await?[0];
    journey.open("/login").await?;
    journey.field("Username").await?;

    tab_to(&journey, false, "the Username field", |now| {
        now["id"] == json!("auth-username")
    })
    .await?;
    type_text(&journey, ALICE.0).await?;
    press(&journey, &[TAB]).await?;
    type_text(&journey, ALICE.1).await?;
    press(&journey, &[ENTER]).await?;
    journey.wait_for_location("/dashboard").await?;
    journey.text("You have 3 orders.").await?;

    tab_to(&journey, true, "the Orders link", |now| {
        now["frame"].is_null() && now["tag"] == json!("A") && now["text"] == json!("Orders")
    })
    .await?;
    press(&journey, &[ENTER]).await?;
    journey.wait_for_location("/orders").await?;
    journey.text("Espresso beans").await?;

    let link = format!("Order {order}");
    tab_to(&journey, false, &format!("the link {link:?}"), |now| {
        now["tag"] == json!("A") && now["text"] == json!(link)
    })
    .await?;
    press(&journey, &[ENTER]).await?;
    journey.wait_for_location(&format!("/orders/{order}")).await?;
    journey.text("Unit price").await?;

    tab_to(&journey, true, "Sign out", |now| {
        now["frame"].is_null() && now["tag"] == json!("BUTTON") && now["text"] == json!("Sign out")
    })
    .await?;
    press(&journey, &[' ']).await?;
    journey.wait_for_location("/login").await?;
    journey.field("Username").await?;
    journey.finish().await
}
