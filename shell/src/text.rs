//! Every visible string of the shell, in each language Portico speaks. A struct, not a map: a string missing from
//! one language is a missing field, so the build fails. Remotes carry their own tables; the shell's covers its
//! header, its own pages and the loading and error states around remotes.

use shared_types::Language;

/// The shell's strings in one language.
pub struct Text {
    pub skip_to_content: &'static str,
    pub main_navigation: &'static str,
    pub menu: &'static str,
    pub dashboard: &'static str,
    pub orders: &'static str,
    pub admin: &'static str,
    pub dark_theme: &'static str,
    pub sign_out: &'static str,
    pub signing_out: &'static str,
    pub language: &'static str,
    pub language_not_saved: &'static str,
    pub checking_session: &'static str,
    pub retry: &'static str,
    pub outage_heading: &'static str,
    pub outage_body: &'static str,
    pub no_access_heading: &'static str,
    pub no_access_body: &'static str,
    pub go_to_dashboard: &'static str,
    pub not_found_heading: &'static str,
    pub not_found_body: &'static str,
    pub go_to_start: &'static str,
    pub session_expired: &'static str,
    pub signed_out_elsewhere: &'static str,
    pub loading: &'static str,
    pub could_not_load: &'static str,
}

const ENGLISH: Text = Text {
    skip_to_content: "Skip to content",
    main_navigation: "Main",
    menu: "Menu",
    dashboard: "Dashboard",
    orders: "Orders",
    admin: "Admin",
    dark_theme: "Dark theme",
    sign_out: "Sign out",
    signing_out: "Signing out…",
    language: "Language",
    language_not_saved: "Your language could not be saved. Try again.",
    checking_session: "Checking your session…",
    retry: "Retry",
    outage_heading: "Portico could not reach the server",
    outage_body: "Check your connection. Portico tries again by itself, or press Retry.",
    no_access_heading: "You do not have access to this page",
    no_access_body: "Your account does not have the permission this page needs. Ask an administrator if you need it.",
    go_to_dashboard: "Go to the dashboard",
    not_found_heading: "Page not found",
    not_found_body: "There is nothing at this address.",
    go_to_start: "Go to the start page",
    session_expired: "Your session has expired. Sign in again to continue.",
    signed_out_elsewhere: "You signed out in another tab.",
    loading: "Loading…",
    could_not_load: "This part of Portico could not be loaded.",
};

const ARABIC: Text = Text {
    skip_to_content: "تخطَّ إلى المحتوى",
    main_navigation: "الرئيسية",
    menu: "القائمة",
    dashboard: "لوحة المعلومات",
    orders: "الطلبات",
    admin: "الإدارة",
    dark_theme: "السمة الداكنة",
    sign_out: "تسجيل الخروج",
    signing_out: "جارٍ تسجيل الخروج…",
    language: "اللغة",
    language_not_saved: "تعذّر حفظ لغتك. حاول مرة أخرى.",
    checking_session: "جارٍ التحقق من جلستك…",
    retry: "إعادة المحاولة",
    outage_heading: "تعذّر على Portico الوصول إلى الخادم",
    outage_body: "تحقّق من اتصالك. سيحاول Portico مجددًا من تلقاء نفسه، أو اضغط «إعادة المحاولة».",
    no_access_heading: "ليس لديك إذن بالوصول إلى هذه الصفحة",
    no_access_body: "لا يملك حسابك الإذن الذي تحتاجه هذه الصفحة. اطلبه من أحد المسؤولين إن احتجت إليه.",
    go_to_dashboard: "الذهاب إلى لوحة المعلومات",
    not_found_heading: "الصفحة غير موجودة",
    not_found_body: "لا يوجد شيء على هذا العنوان.",
    go_to_start: "الذهاب إلى صفحة البداية",
    session_expired: "انتهت جلستك. سجّل الدخول مرة أخرى للمتابعة.",
    signed_out_elsewhere: "سجّلت الخروج في علامة تبويب أخرى.",
    loading: "جارٍ التحميل…",
    could_not_load: "تعذّر تحميل هذا الجزء من Portico.",
};

/// The strings in `language`.
pub fn text(language: Language) -> &'static Text {
    match language {
        Language::English => &ENGLISH,
        Language::Arabic => &ARABIC,
    }
}
