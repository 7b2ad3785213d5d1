//! What the orders remote reads from and sends to the host: which view the path asks for, the API's order shape,
//! and the "New order" form's input, checked before it is sent.
//!
//! Pure data and parsing, so it never touches the DOM and is unit-tested natively.

use remote_sdk::FieldProblem;
use serde::{Deserialize, Serialize};

/// The most of one item an order may ask for (the API's limit too).
pub const MAX_QUANTITY: i64 = 999;
/// The longest item name, in characters (the API's limit too).
pub const MAX_ITEM_CHARS: usize = 120;
/// The highest unit price, in cents (the API's limit too).
pub const MAX_UNIT_PRICE_CENTS: i64 = 10_000_000;

/// An order as `/api/orders` returns it.
#[derive(Debug, Clone, PartialEq, Deserialize)]
pub struct Order {
    pub id: i64,
    pub item: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
    pub status: String,
    /// When it was placed, in milliseconds since the Unix epoch.
    #[serde(default)]
    pub created_at_ms: i64,
}

/// The currency of every price (ISO 4217).
pub const CURRENCY: &str = "USD";

/// Body of `GET /api/orders`.
#[derive(Deserialize)]
pub struct OrderListBody {
    pub orders: Vec<Order>,
}

/// Which view the current path asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrdersView {
    /// `/orders`
    List,
    /// `/orders/{id}`
    Detail(i64),
    /// `/orders/{something that is not an id}`
    NotFound,
}

impl OrdersView {
    /// Reads the view from an in-app path such as `/orders/3?x=1`.
    pub fn from_path(path: &str) -> Self {
        let path = path.split(['?', '#']).next().unwrap_or_default().trim_end_matches('/');
        match path.strip_prefix("/orders") {
            None | Some("") => OrdersView::List,
            Some(rest) => match rest.strip_prefix('/').and_then(|id| id.parse().ok()) {
                Some(id) => OrdersView::Detail(id),
                None => OrdersView::NotFound,
            },
        }
    }
}

/// Body of `POST /api/orders`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NewOrder {
    pub item: String,
    pub quantity: i64,
    pub unit_price_cents: i64,
}

/// What to fix in a field, found before anything is sent; the view words it in the user's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fix {
    /// The item is empty.
    NameTheItem,
    /// The item is longer than [`MAX_ITEM_CHARS`].
    ItemTooLong,
    /// The item has control characters.
    ItemControlCharacters,
    /// The quantity is not a whole number from 1 to [`MAX_QUANTITY`].
    QuantityOutOfRange,
    /// The price is not a number with at most two decimals.
    PriceUnreadable,
    /// The price is zero.
    PriceZero,
    /// The price is above [`MAX_UNIT_PRICE_CENTS`].
    PriceTooHigh,
}

/// A field's message: one this remote found, or the API's own sentence from a 422.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldMessage {
    Fix(Fix),
    Server(String),
}

/// What is wrong with each field of the form; `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub item: Option<FieldMessage>,
    pub quantity: Option<FieldMessage>,
    pub unit_price: Option<FieldMessage>,
    /// A problem the API named for a field this form does not have; shown for the whole form.
    pub other: Option<String>,
}

impl FormErrors {
    /// The API's field errors (from a 422 problem document), placed next to the matching fields.
    pub fn from_problems(problems: &[FieldProblem]) -> Self {
        let mut errors = FormErrors::default();
        for problem in problems {
            let slot = match problem.field.as_str() {
                "item" => &mut errors.item,
                "quantity" => &mut errors.quantity,
                "unit_price_cents" => &mut errors.unit_price,
                _ => {
                    errors.other.get_or_insert_with(|| problem.message.clone());
                    continue;
                }
            };
            slot.get_or_insert_with(|| FieldMessage::Server(problem.message.clone()));
        }
        errors
    }

    /// Whether no field has an error.
    pub fn is_empty(&self) -> bool {
        self.item.is_none() && self.quantity.is_none() && self.unit_price.is_none() && self.other.is_none()
    }
}

/// Checks the form as typed and builds the request body, or says what to fix in each field. Digits may be typed
/// as Arabic-Indic digits, and the decimal point as the Arabic decimal separator.
pub fn validate(item: &str, quantity: &str, unit_price: &str) -> Result<NewOrder, FormErrors> {
    let item = item.trim();
    let (quantity, unit_price) = (&ascii_digits(quantity), &ascii_digits(unit_price));
    let mut errors = FormErrors::default();
    let fix = |fix| Some(FieldMessage::Fix(fix));
    if item.is_empty() {
        errors.item = fix(Fix::NameTheItem);
    } else if item.chars().count() > MAX_ITEM_CHARS {
        errors.item = fix(Fix::ItemTooLong);
    } else if item.chars().any(char::is_control) {
        errors.item = fix(Fix::ItemControlCharacters);
    }
    let quantity = Some(quantity.trim())
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()))
        .and_then(|digits| digits.parse::<i64>().ok())
        .filter(|n| (1..=MAX_QUANTITY).contains(n));
    if quantity.is_none() {
        errors.quantity = fix(Fix::QuantityOutOfRange);
    }
    let unit_price_cents = parse_price_cents(unit_price);
    errors.unit_price = match unit_price_cents {
        None => fix(Fix::PriceUnreadable),
        Some(0) => fix(Fix::PriceZero),
        Some(cents) if cents > MAX_UNIT_PRICE_CENTS => fix(Fix::PriceTooHigh),
        Some(_) => None,
    };
    match (quantity, unit_price_cents) {
        (Some(quantity), Some(unit_price_cents)) if errors.is_empty() => Ok(NewOrder {
            item: item.to_owned(),
            quantity,
            unit_price_cents,
        }),
        _ => Err(errors),
    }
}

/// `text` with Arabic-Indic and Eastern Arabic-Indic digits as ASCII digits and the Arabic decimal separator as
/// `.`, so `١٢٫٥٠` reads as `12.50`.
pub fn ascii_digits(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\u{0660}'..='\u{0669}' => char::from(b'0' + (c as u32 - 0x0660) as u8),
            '\u{06F0}'..='\u{06F9}' => char::from(b'0' + (c as u32 - 0x06F0) as u8),
            '\u{066B}' => '.',
            other => other,
        })
        .collect()
}

/// `12`, `12.5` or `12.50` as cents; anything else (signs, more than two decimals, letters) is `None`.
pub fn parse_price_cents(text: &str) -> Option<i64> {
    let text = text.trim();
    let (units, fraction) = text.split_once('.').unwrap_or((text, ""));
    let digits = |part: &str| part.chars().all(|c| c.is_ascii_digit());
    if units.is_empty() || units.len() > 7 || fraction.len() > 2 || !digits(units) || !digits(fraction) {
        return None;
    }
    let cents = match fraction.len() {
        0 => 0,
        1 => fraction.parse::<i64>().ok()? * 10,
        _ => fraction.parse::<i64>().ok()?,
    };
    Some(units.parse::<i64>().ok()? * 100 + cents)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_price(text: &str, expected: Option<i64>) {
        assert_eq!(parse_price_cents(text), expected, "{text:?}");
    }

    #[test]
    fn paths_pick_list_detail_or_not_found() {
        assert_eq!(OrdersView::from_path("/orders"), OrdersView::List);
        assert_eq!(OrdersView::from_path("/orders/"), OrdersView::List);
        assert_eq!(OrdersView::from_path("/orders/3?x=1"), OrdersView::Detail(3));
        assert_eq!(OrdersView::from_path("/orders/abc"), OrdersView::NotFound);
    }

    #[test]
    fn prices_are_read_as_cents() {
        check_price("12.50", Some(1250));
        check_price("12.5", Some(1250));
        check_price(" 7 ", Some(700));
        check_price("0.05", Some(5));
        for bad in ["", ".5", "1.234", "-3", "1e3", "12,50", "abc", "99999999"] {
            check_price(bad, None);
        }
    }

    #[test]
    fn arabic_digits_and_decimal_separator_are_read_too() {
        assert_eq!(ascii_digits("١٢٫٥٠"), "12.50");
        assert_eq!(ascii_digits("۳"), "3");
        assert_eq!(
            validate("شاي", "٢", "١٢٫٥"),
            Ok(NewOrder {
                item: "شاي".into(),
                quantity: 2,
                unit_price_cents: 1250
            })
        );
    }

    #[test]
    fn a_valid_form_becomes_the_request_body() {
        assert_eq!(
            validate("  Green tea ", "2", "10.00"),
            Ok(NewOrder {
                item: "Green tea".into(),
                quantity: 2,
                unit_price_cents: 1000
            })
        );
    }

    #[test]
    fn every_bad_field_gets_its_own_sentence() {
        let errors = validate(" ", "0", "free").unwrap_err();
        assert_eq!(errors.item, Some(FieldMessage::Fix(Fix::NameTheItem)));
        assert_eq!(errors.quantity, Some(FieldMessage::Fix(Fix::QuantityOutOfRange)));
        assert_eq!(errors.unit_price, Some(FieldMessage::Fix(Fix::PriceUnreadable)));
        assert_eq!(
            validate("Tea", "1", "100000.01").unwrap_err().unit_price,
            Some(FieldMessage::Fix(Fix::PriceTooHigh))
        );
        let errors = validate("Tea", "1.5", "0").unwrap_err();
        assert_eq!(errors.item, None);
        assert!(errors.quantity.is_some() && errors.unit_price.is_some());
        assert!(validate("Tea", "1000", "1").unwrap_err().quantity.is_some());
        assert!(validate(&"x".repeat(121), "1", "1").unwrap_err().item.is_some());
        assert!(validate("Tea\u{7}", "1", "1").unwrap_err().item.is_some());
    }

    #[test]
    fn quantity_must_be_plain_digits_from_1_to_999() {
        for good in ["1", " 12 ", "999", "007"] {
            assert!(validate("Tea", good, "1").is_ok(), "{good:?}");
        }
        for bad in ["", "0", "1000", "+5", "-1", "2.0", "1e2", "two", "99999999999999999999"] {
            assert!(validate("Tea", bad, "1").unwrap_err().quantity.is_some(), "{bad:?}");
        }
    }

    #[test]
    fn price_must_be_above_zero_and_within_the_api_limit() {
        assert!(validate("Tea", "1", "0.01").is_ok());
        assert!(validate("Tea", "1", "100000.00").is_ok());
        for bad in ["0", "0.00", "100000.01", "1.234"] {
            assert!(validate("Tea", "1", bad).unwrap_err().unit_price.is_some(), "{bad:?}");
        }
    }

    #[test]
    fn api_field_errors_land_next_to_their_fields() {
        let problems = [
            FieldProblem {
                field: "quantity".into(),
                message: "Order between 1 and 999.".into(),
            },
            FieldProblem {
                field: "unit_price_cents".into(),
                message: "Too expensive.".into(),
            },
        ];
        let errors = FormErrors::from_problems(&problems);
        assert_eq!(
            errors.quantity,
            Some(FieldMessage::Server("Order between 1 and 999.".into()))
        );
        assert_eq!(errors.unit_price, Some(FieldMessage::Server("Too expensive.".into())));
        assert_eq!(errors.item, None);
        assert_eq!(errors.other, None);
    }

    #[test]
    fn api_errors_for_unknown_fields_are_kept_for_the_whole_form() {
        let problems = [FieldProblem {
            field: "currency".into(),
            message: "Only euros are accepted.".into(),
        }];
        let errors = FormErrors::from_problems(&problems);
        assert_eq!(errors.other.as_deref(), Some("Only euros are accepted."));
        assert!(!errors.is_empty());
        assert_eq!(errors.unit_price, None);
    }
}
