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
}

impl Order {
    /// The unit price as `12.34`.
    pub fn unit_price(&self) -> String {
        format_cents(self.unit_price_cents)
    }
}

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

/// What is wrong with each field of the form, as sentences; `None` where the field is fine.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FormErrors {
    pub item: Option<String>,
    pub quantity: Option<String>,
    pub unit_price: Option<String>,
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
                _ => &mut errors.other,
            };
            slot.get_or_insert_with(|| problem.message.clone());
        }
        errors
    }

    /// Whether no field has an error.
    pub fn is_empty(&self) -> bool {
        self.item.is_none() && self.quantity.is_none() && self.unit_price.is_none() && self.other.is_none()
    }
}

/// Checks the form as typed and builds the request body, or says what to fix in each field.
pub fn validate(item: &str, quantity: &str, unit_price: &str) -> Result<NewOrder, FormErrors> {
    let item = item.trim();
    let mut errors = FormErrors::default();
    if item.is_empty() {
        errors.item = Some("Name the item you are ordering.".into());
    } else if item.chars().count() > MAX_ITEM_CHARS {
        errors.item = Some(format!("Use at most {MAX_ITEM_CHARS} characters."));
    } else if item.chars().any(char::is_control) {
        errors.item = Some("Remove control characters from the item name.".into());
    }
    let quantity = Some(quantity.trim())
        .filter(|digits| !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit()))
        .and_then(|digits| digits.parse::<i64>().ok())
        .filter(|n| (1..=MAX_QUANTITY).contains(n));
    if quantity.is_none() {
        errors.quantity = Some(format!("Enter a whole number from 1 to {MAX_QUANTITY}."));
    }
    let unit_price_cents = parse_price_cents(unit_price);
    match unit_price_cents {
        None => errors.unit_price = Some("Enter a price such as 12.50, with at most two decimals.".into()),
        Some(0) => errors.unit_price = Some("Enter a price above 0.00.".into()),
        Some(cents) if cents > MAX_UNIT_PRICE_CENTS => {
            errors.unit_price = Some(format!(
                "Enter a price of at most {}.",
                format_cents(MAX_UNIT_PRICE_CENTS)
            ));
        }
        Some(_) => {}
    }
    match (quantity, unit_price_cents) {
        (Some(quantity), Some(unit_price_cents)) if errors.is_empty() => Ok(NewOrder {
            item: item.to_owned(),
            quantity,
            unit_price_cents,
        }),
        _ => Err(errors),
    }
}

/// Cents as an amount such as `12.34` (`-0.05` for a negative one).
pub fn format_cents(cents: i64) -> String {
    let sign = if cents < 0 { "-" } else { "" };
    let cents = cents.unsigned_abs();
    format!("{sign}{}.{:02}", cents / 100, cents % 100)
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
    fn cents_are_shown_with_two_decimals() {
        assert_eq!(format_cents(1250), "12.50");
        assert_eq!(format_cents(5), "0.05");
        assert_eq!(format_cents(10_000_000), "100000.00");
        assert_eq!(format_cents(-5), "-0.05");
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
        assert!(errors.item.is_some() && errors.quantity.is_some() && errors.unit_price.is_some());
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
        assert_eq!(errors.quantity.as_deref(), Some("Order between 1 and 999."));
        assert_eq!(errors.unit_price.as_deref(), Some("Too expensive."));
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
