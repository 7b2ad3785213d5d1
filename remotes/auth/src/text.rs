//! Every visible string of the auth remote, in each language Portico speaks. A struct, not a map: a string missing
//! from one language is a missing field, so the build fails.

use remote_sdk::{Language, Plural};

/// The auth remote's strings in one language.
pub struct Text {
    pub heading: &'static str,
    pub username: &'static str,
    pub password: &'static str,
    pub sign_in: &'static str,
    pub signing_in: &'static str,
    pub enter_both: &'static str,
    pub enter_username: &'static str,
    pub enter_password: &'static str,
    pub invalid_credentials: &'static str,
    /// "Too many attempts", by the plural category of the seconds to wait, with them formatted for the language.
    pub too_many_attempts: fn(Plural, &str) -> String,
    pub failed: &'static str,
}

const ENGLISH: Text = Text {
    heading: "Sign in to Portico",
    username: "Username",
    password: "Password",
    sign_in: "Sign in",
    signing_in: "Signing in…",
    enter_both: "Enter both your username and your password.",
    enter_username: "Enter your username.",
    enter_password: "Enter your password.",
    invalid_credentials: "The username or password is incorrect. Check them and try again.",
    too_many_attempts: |_, seconds| format!("Too many attempts, try again in {seconds} s."),
    failed: "Signing in did not work. Please try again in a moment.",
};

const ARABIC: Text = Text {
    heading: "تسجيل الدخول إلى Portico",
    username: "اسم المستخدم",
    password: "كلمة المرور",
    sign_in: "تسجيل الدخول",
    signing_in: "جارٍ تسجيل الدخول…",
    enter_both: "أدخل اسم المستخدم وكلمة المرور كليهما.",
    enter_username: "أدخل اسم المستخدم.",
    enter_password: "أدخل كلمة المرور.",
    invalid_credentials: "اسم المستخدم أو كلمة المرور غير صحيحة. تحقّق منهما وحاول مرة أخرى.",
    too_many_attempts: |plural, seconds| {
        let wait = match plural {
            Plural::One => "ثانية واحدة".to_owned(),
            Plural::Two => "ثانيتين".to_owned(),
            Plural::Few => format!("{seconds} ثوانٍ"),
            Plural::Zero | Plural::Many | Plural::Other => format!("{seconds} ثانية"),
        };
        format!("محاولات كثيرة جدًا، حاول مرة أخرى بعد {wait}.")
    },
    failed: "لم ينجح تسجيل الدخول. يُرجى المحاولة مرة أخرى بعد قليل.",
};

/// The strings in `language`.
pub fn text(language: Language) -> &'static Text {
    match language {
        Language::English => &ENGLISH,
        Language::Arabic => &ARABIC,
    }
}
