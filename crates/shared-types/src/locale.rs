//! The languages Portico's interface speaks, and the request that changes a user's.
//!
//! A user's `locale` (in [`crate::IdentityContext`]) is a BCP 47 tag. Its primary language subtag picks the
//! interface language; a tag Portico does not translate into falls back to English, so older accounts (`en-GB`,
//! `de-DE`) keep working. `PATCH /api/me` accepts only the tags listed here.

use serde::{Deserialize, Serialize};

/// A language the shell and every remote are translated into.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Language {
    /// English, left to right; the fallback.
    #[default]
    English,
    /// Arabic, right to left.
    Arabic,
}

impl Language {
    /// Every supported language, in the order the language menu lists them.
    pub const ALL: [Language; 2] = [Language::English, Language::Arabic];

    /// The tag stored for a user who picks this language, and the document's `lang`.
    pub fn tag(self) -> &'static str {
        match self {
            Language::English => "en",
            Language::Arabic => "ar",
        }
    }

    /// The document's `dir`.
    pub fn direction(self) -> &'static str {
        match self {
            Language::English => "ltr",
            Language::Arabic => "rtl",
        }
    }

    /// The language's name in itself, as a language menu shows it.
    pub fn native_name(self) -> &'static str {
        match self {
            Language::English => "English",
            Language::Arabic => "العربية",
        }
    }

    /// The language a BCP 47 tag asks for, by its primary subtag (`ar-EG` is Arabic); `None` when Portico does not
    /// speak it.
    pub fn from_tag(tag: &str) -> Option<Language> {
        let primary = tag.split(['-', '_']).next().unwrap_or_default();
        Language::ALL
            .into_iter()
            .find(|language| language.tag().eq_ignore_ascii_case(primary))
    }

    /// The interface language for a stored locale: English when Portico does not speak it.
    pub fn of_locale(locale: &str) -> Language {
        Language::from_tag(locale).unwrap_or_default()
    }

    /// A role's name for people in this language. Roles are the API's codes (`customer`, `admin`), which English
    /// shows as they are; a role this table does not know shows as its code in every language.
    pub fn role_name(self, role: &str) -> &str {
        match (self, role) {
            (Language::English, _) => role,
            (Language::Arabic, "customer") => "عميل",
            (Language::Arabic, "admin") => "مسؤول",
            (Language::Arabic, _) => role,
        }
    }

    /// Whether `tag` is exactly one that `PATCH /api/me` accepts.
    pub fn is_supported_tag(tag: &str) -> bool {
        Language::ALL.iter().any(|language| language.tag() == tag)
    }
}

/// A CLDR plural category, as `Intl.PluralRules` selects it for a count: English uses `One` and `Other`; Arabic
/// all six.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    /// 0 in Arabic.
    Zero,
    /// 1.
    One,
    /// 2 in Arabic.
    Two,
    /// 3-10 in Arabic.
    Few,
    /// 11-99 in Arabic.
    Many,
    /// Everything else.
    Other,
}

impl Plural {
    /// The category `Intl.PluralRules.prototype.select` names (`"few"`); `Other` for anything unknown.
    pub fn from_cldr(name: &str) -> Plural {
        match name {
            "zero" => Plural::Zero,
            "one" => Plural::One,
            "two" => Plural::Two,
            "few" => Plural::Few,
            "many" => Plural::Many,
            _ => Plural::Other,
        }
    }
}

/// Body of `PATCH /api/me`: the preferences a user may change about themselves.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileUpdate {
    /// One of the tags of [`Language::ALL`].
    pub locale: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_picks_its_language_by_primary_subtag() {
        assert_eq!(Language::from_tag("ar"), Some(Language::Arabic));
        assert_eq!(Language::from_tag("ar-EG"), Some(Language::Arabic));
        assert_eq!(Language::from_tag("EN-gb"), Some(Language::English));
        assert_eq!(Language::from_tag("de-DE"), None);
        assert_eq!(Language::from_tag(""), None);
        assert_eq!(Language::of_locale("de-DE"), Language::English);
    }

    #[test]
    fn only_exact_tags_may_be_stored() {
        assert!(Language::is_supported_tag("ar"));
        assert!(Language::is_supported_tag("en"));
        assert!(!Language::is_supported_tag("ar-EG"));
        assert!(!Language::is_supported_tag("fr"));
        assert!(!Language::is_supported_tag("AR"));
    }

    #[test]
    fn arabic_is_right_to_left() {
        assert_eq!(Language::Arabic.direction(), "rtl");
        assert_eq!(Language::English.direction(), "ltr");
    }
}
