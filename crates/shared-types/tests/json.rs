//! `shared_types::json` against `serde_json` on the edges of the format: escapes, surrogate pairs, numbers at the
//! limits of their types, enums in every shape, unknown fields, and the texts both must refuse; and the nesting
//! limit that keeps hostile text from exhausting the stack.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use shared_types::json::{self, JsonError};

#[derive(Debug, PartialEq, Serialize, Deserialize)]
enum Shape {
    Unit,
    Newtype(u32),
    Tuple(i8, String),
    Struct { name: String, tags: Vec<String> },
}

#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct Everything {
    flag: bool,
    small: u8,
    negative: i64,
    large: u64,
    text: String,
    letter: char,
    maybe: Option<Option<u16>>,
    shapes: Vec<Shape>,
    pair: (u32, bool),
    map: BTreeMap<String, i32>,
    nothing: (),
}

fn everything() -> Everything {
    Everything {
        flag: true,
        small: 255,
        negative: i64::MIN,
        large: u64::MAX,
        text: "quote \" backslash \\ slash / newline \n tab \t bell \u{7} zoë 😀 \u{1f}".into(),
        letter: 'é',
        maybe: Some(Some(3)),
        shapes: vec![
            Shape::Unit,
            Shape::Newtype(7),
            Shape::Tuple(-3, "x".into()),
            Shape::Struct {
                name: "n".into(),
                tags: vec![],
            },
        ],
        pair: (0, false),
        map: BTreeMap::from([("a".into(), -1), ("ü".into(), 2)]),
        nothing: (),
    }
}

/// Both codecs read `text` to the same value, or both refuse it.
fn same_reading<T: DeserializeOwned + PartialEq + std::fmt::Debug>(text: &str) {
    let ours = json::from_str::<T>(text).ok();
    let theirs = serde_json::from_str::<T>(text).ok();
    assert_eq!(ours, theirs, "the codecs disagree on {text:?}");
}

#[test]
fn writes_what_serde_json_writes_and_reads_it_back() {
    let value = everything();
    let written = json::to_string(&value).unwrap();
    assert_eq!(written, serde_json::to_string(&value).unwrap());
    assert_eq!(json::from_str::<Everything>(&written).unwrap(), value);
    let pretty = serde_json::to_string_pretty(&value).unwrap();
    assert_eq!(json::from_str::<Everything>(&pretty).unwrap(), value);
}

#[test]
fn reads_escapes_and_surrogate_pairs() {
    for text in [
        r#""\u00e9\u0041\/\b\f\n\r\t\"\\""#,
        r#""\ud83d\ude00 and \uD83D\uDE00""#,
        r#""plain, borrowed""#,
        r#""\ud83d""#,
        r#""\ude00""#,
        r#""\ud83d\u0041""#,
        r#""\x""#,
        r#""\u12""#,
        r#""\u12g4""#,
        "\"raw \u{1} control\"",
        r#""unterminated"#,
    ] {
        same_reading::<String>(text);
    }
}

#[test]
fn reads_numbers_within_their_types() {
    for text in [
        "0",
        "255",
        "256",
        "-1",
        "01",
        "1.5",
        "1e3",
        "-",
        "18446744073709551616",
        " 7 ",
    ] {
        same_reading::<u8>(text);
        same_reading::<u64>(text);
    }
    for text in [
        "-9223372036854775808",
        "-9223372036854775809",
        "9223372036854775807",
        "-07",
    ] {
        same_reading::<i64>(text);
    }
    for text in ["1.5", "-0.25e2", "1E-2", "1.", ".5", "3", "1e400"] {
        same_reading::<f64>(text);
    }
}

#[test]
fn reads_enums_in_every_shape() {
    for text in [
        r#""Unit""#,
        r#"{"Unit":null}"#,
        r#"{"Newtype":7}"#,
        r#"{"Tuple":[-3,"x"]}"#,
        r#"{"Struct":{"name":"n","tags":["a"]}}"#,
        r#""Newtype""#,
        r#""Nope""#,
        r#"{"Newtype":7,"Unit":null}"#,
        r#"{"Tuple":[1]}"#,
        r#"{"Tuple":[1,"x",2]}"#,
    ] {
        same_reading::<Shape>(text);
    }
}

#[test]
fn skips_unknown_fields_of_any_shape() {
    #[derive(Debug, PartialEq, Deserialize)]
    struct Known {
        kept: u32,
    }
    for text in [
        r#"{"other":{"deep":[1,2.5e-3,null,true,"\"}"]},"kept":1,"x":-0.5}"#,
        r#"{"kept":1,"kept":2}"#,
        r#"{"kept":1,}"#,
        r#"{"kept" 1}"#,
        r#"{kept:1}"#,
        r#"{"other":[1,],"kept":1}"#,
        r#"{"kept":1} x"#,
        r#"{"kept":1}   "#,
        r#"{}"#,
    ] {
        same_reading::<Known>(text);
    }
}

#[test]
fn refuses_keys_that_are_not_strings_when_writing() {
    let map = BTreeMap::from([(1u8, true)]);
    assert_eq!(
        json::to_string(&map),
        Err(JsonError::Unsupported("an object key that is not a string"))
    );
}

#[test]
fn errors_say_where_and_what_in_words() {
    let error = json::from_str::<Vec<u32>>("[1, 2,, 3]").unwrap_err();
    assert_eq!(error.to_string(), "malformed JSON at byte 6: expected a number");
    let error = json::from_str::<Vec<String>>("[1.5]").unwrap_err();
    assert_eq!(error.to_string(), "invalid type: a number, expected a string");
    let error = json::from_str::<Everything>("{}").unwrap_err();
    assert_eq!(error.to_string(), "missing field `flag`");
}

#[test]
fn nesting_stops_at_128_levels() {
    let nested = |depth: usize| format!("{}{}", "[".repeat(depth), "]".repeat(depth));
    assert!(json::from_str::<serde::de::IgnoredAny>(&nested(128)).is_ok());
    // serde_json stops typed values at 128 levels too (it skips unknown values without a limit).
    assert!(json::from_str::<serde::de::IgnoredAny>(&nested(129)).is_err());
    #[derive(Debug, PartialEq, Deserialize)]
    struct Known {
        kept: u32,
    }
    let hostile = format!(r#"{{"kept":1,"x":{}}}"#, "[".repeat(100_000));
    assert!(
        json::from_str::<Known>(&hostile).is_err(),
        "deep unknown fields are refused, not a stack overflow"
    );
    assert!(json::from_str::<Vec<Vec<u8>>>("[[1],[2,3]]").is_ok());
}
