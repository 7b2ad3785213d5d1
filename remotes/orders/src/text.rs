//! Every visible string of the orders remote, in each language Portico speaks. A struct, not a map: a string
//! missing from one language is a missing field, so the build fails. Numbers, prices and dates reach these
//! functions already formatted for the language (`remote_sdk::format_*`).

use remote_sdk::Language;

use crate::model::Fix;

/// The orders remote's strings in one language.
pub struct Text {
    pub heading: &'static str,
    pub loading_list: &'static str,
    pub no_orders: &'static str,
    pub column_order: &'static str,
    pub column_item: &'static str,
    pub column_quantity: &'static str,
    pub column_unit_price: &'static str,
    pub column_status: &'static str,
    pub column_placed_on: &'static str,
    /// An order's name, with its number.
    pub order_title: fn(&str) -> String,
    pub loading_order: &'static str,
    pub no_access_order: &'static str,
    pub order_not_found: &'static str,
    pub back: &'static str,
    pub new_order: &'static str,
    pub place_order: &'static str,
    pub placing_order: &'static str,
    /// The confirmation after an order was placed, with its number.
    pub placed: fn(&str) -> String,
    pub may_not_order: &'static str,
    /// A status the API reports, for people; unknown ones show as they are.
    pub status: fn(&str) -> &str,
    /// What to fix in a field; the numbers (limits) come formatted.
    pub fix: fn(Fix, &Limits) -> String,
}

/// The form's limits, formatted for the language, for the sentences that name them.
pub struct Limits {
    pub item_chars: String,
    pub one: String,
    pub quantity: String,
    pub price: String,
    pub example_price: String,
    pub zero_price: String,
}

const ENGLISH: Text = Text {
    heading: "Your orders",
    loading_list: "Loading your orders…",
    no_orders: "You have no orders yet.",
    column_order: "Order",
    column_item: "Item",
    column_quantity: "Quantity",
    column_unit_price: "Unit price",
    column_status: "Status",
    column_placed_on: "Placed on",
    order_title: |id| format!("Order {id}"),
    loading_order: "Loading the order…",
    no_access_order: "You do not have access to this order",
    order_not_found: "Order not found",
    back: "Back to your orders",
    new_order: "New order",
    place_order: "Place order",
    placing_order: "Placing order…",
    placed: |id| format!("Order {id} placed."),
    may_not_order: "You do not have permission to place orders.",
    status: |status| status,
    fix: |fix, limits| match fix {
        Fix::NameTheItem => "Name the item you are ordering.".to_owned(),
        Fix::ItemTooLong => format!("Use at most {} characters.", limits.item_chars),
        Fix::ItemControlCharacters => "Remove control characters from the item name.".to_owned(),
        Fix::QuantityOutOfRange => format!("Enter a whole number from {} to {}.", limits.one, limits.quantity),
        Fix::PriceUnreadable => format!(
            "Enter a price such as {}, with at most two decimals.",
            limits.example_price
        ),
        Fix::PriceZero => format!("Enter a price above {}.", limits.zero_price),
        Fix::PriceTooHigh => format!("Enter a price of at most {}.", limits.price),
    },
};

const ARABIC: Text = Text {
    heading: "طلباتك",
    loading_list: "جارٍ تحميل طلباتك…",
    no_orders: "ليس لديك طلبات بعد.",
    column_order: "الطلب",
    column_item: "الصنف",
    column_quantity: "الكمية",
    column_unit_price: "سعر الوحدة",
    column_status: "الحالة",
    column_placed_on: "تاريخ الطلب",
    order_title: |id| format!("الطلب {id}"),
    loading_order: "جارٍ تحميل الطلب…",
    no_access_order: "ليس لديك إذن بالوصول إلى هذا الطلب",
    order_not_found: "الطلب غير موجود",
    back: "العودة إلى طلباتك",
    new_order: "طلب جديد",
    place_order: "تقديم الطلب",
    placing_order: "جارٍ تقديم الطلب…",
    placed: |id| format!("تم تقديم الطلب {id}."),
    may_not_order: "ليس لديك إذن بتقديم الطلبات.",
    status: |status| match status {
        "placed" => "مُقدَّم",
        other => other,
    },
    fix: |fix, limits| match fix {
        Fix::NameTheItem => "اكتب اسم الصنف الذي تطلبه.".to_owned(),
        Fix::ItemTooLong => format!("استخدم {} حرفًا على الأكثر.", limits.item_chars),
        Fix::ItemControlCharacters => "احذف أحرف التحكم من اسم الصنف.".to_owned(),
        Fix::QuantityOutOfRange => format!("أدخل عددًا صحيحًا من {} إلى {}.", limits.one, limits.quantity),
        Fix::PriceUnreadable => format!("أدخل سعرًا مثل {}، بمنزلتين عشريتين على الأكثر.", limits.example_price),
        Fix::PriceZero => format!("أدخل سعرًا أكبر من {}.", limits.zero_price),
        Fix::PriceTooHigh => format!("أدخل سعرًا لا يزيد على {}.", limits.price),
    },
};

/// The strings in `language`.
pub fn text(language: Language) -> &'static Text {
    match language {
        Language::English => &ENGLISH,
        Language::Arabic => &ARABIC,
    }
}
