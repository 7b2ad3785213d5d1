//! Every visible string of the admin remote, in each language Portico speaks. A struct, not a map: a string
//! missing from one language is a missing field, so the build fails.

use remote_sdk::Language;

/// The admin remote's strings in one language.
pub struct Text {
    pub heading: &'static str,
    pub loading: &'static str,
    pub no_access: &'static str,
    pub no_users: &'static str,
    pub caption: &'static str,
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: &'static str,
    pub tenant: &'static str,
}

const ENGLISH: Text = Text {
    heading: "Users",
    loading: "Loading users…",
    no_access: "You do not have access to the user list.",
    no_users: "No users yet.",
    caption: "Everyone in your tenant",
    username: "Username",
    display_name: "Display name",
    role: "Role",
    tenant: "Tenant",
};

const ARABIC: Text = Text {
    heading: "المستخدمون",
    loading: "جارٍ تحميل المستخدمين…",
    no_access: "ليس لديك إذن بالوصول إلى قائمة المستخدمين.",
    no_users: "لا يوجد مستخدمون بعد.",
    caption: "كل من في مؤسستك",
    username: "اسم المستخدم",
    display_name: "الاسم المعروض",
    role: "الدور",
    tenant: "المؤسسة",
};

/// The strings in `language`.
pub fn text(language: Language) -> &'static Text {
    match language {
        Language::English => &ENGLISH,
        Language::Arabic => &ARABIC,
    }
}
