//! Every visible string of the dashboard remote, in each language Portico speaks. A struct, not a map: a string
//! missing from one language is a missing field, so the build fails.

use remote_sdk::{Language, Plural};

/// The dashboard's strings in one language.
pub struct Text {
    /// The greeting, with the user's display name.
    pub welcome: fn(&str) -> String,
    pub roles: &'static str,
    pub tenant: &'static str,
    pub orders: &'static str,
    pub counting: &'static str,
    /// How many orders, by the count's plural category, with the count already formatted for the language.
    pub count: fn(Plural, &str) -> String,
}

const ENGLISH: Text = Text {
    welcome: |name| format!("Welcome, {name}"),
    roles: "Roles",
    tenant: "Tenant",
    orders: "Orders",
    counting: "Counting your orders…",
    count: |plural, count| match plural {
        Plural::One => format!("You have {count} order."),
        _ => format!("You have {count} orders."),
    },
};

const ARABIC: Text = Text {
    welcome: |name| format!("مرحبًا، {name}"),
    roles: "الأدوار",
    tenant: "المؤسسة",
    orders: "الطلبات",
    counting: "جارٍ عدّ طلباتك…",
    count: |plural, count| match plural {
        Plural::Zero => "ليس لديك أي طلبات.".to_owned(),
        Plural::One => "لديك طلب واحد.".to_owned(),
        Plural::Two => "لديك طلبان.".to_owned(),
        Plural::Few => format!("لديك {count} طلبات."),
        Plural::Many => format!("لديك {count} طلبًا."),
        Plural::Other => format!("لديك {count} طلب."),
    },
};

/// The strings in `language`.
pub fn text(language: Language) -> &'static Text {
    match language {
        Language::English => &ENGLISH,
        Language::Arabic => &ARABIC,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_counts_are_singular_for_one_and_plural_otherwise() {
        let count = text(Language::English).count;
        assert_eq!(count(Plural::One, "1"), "You have 1 order.");
        assert_eq!(count(Plural::Other, "0"), "You have 0 orders.");
        assert_eq!(count(Plural::Other, "3"), "You have 3 orders.");
    }

    #[test]
    fn arabic_counts_use_every_plural_form() {
        let count = text(Language::Arabic).count;
        assert_eq!(count(Plural::Two, "٢"), "لديك طلبان.");
        assert_eq!(count(Plural::Few, "٣"), "لديك ٣ طلبات.");
        assert_eq!(count(Plural::Many, "١١"), "لديك ١١ طلبًا.");
    }
}
