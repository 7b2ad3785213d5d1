//! A compact JSON codec for the serde data that crosses Portico's boundaries, built for wasm size.
//!
//! The shell and every remote read and write JSON: host messages, identity contexts, API bodies. `serde_json`
//! does this well but costs each wasm binary about 40 KB before compression, a third of it float formatting that
//! only its error messages reach (serde describes an unexpected float with `f64`'s `Display`). This codec reads
//! and writes the same JSON as `serde_json` for serde's data model (the tests in `tests/json.rs` hold it to that
//! on every golden message), and its errors describe what they found in words (`a number`, `a string`) instead of
//! formatting the value.
//!
//! Scope: UTF-8 text in, `String` out; object keys are strings; numbers are read as integers unless the target asks
//! for a float; nesting stops at 128 levels (as `serde_json` does for the values it builds; here skipped values
//! count too, so hostile text cannot exhaust the stack). Floats (none cross Portico's boundaries today) are written
//! as Rust's shortest round-tripping decimal, which differs from `serde_json`'s text (`1` for `1.0`, no exponent)
//! but reads back to the same value; non-finite ones are written as `null` and refused when read.

mod read;
mod write;

use std::fmt::Display;

use serde::de::{self, Expected, Unexpected};
use serde::{Deserialize, Serialize, ser};

/// Reads `text` as one JSON value of type `T`; anything but whitespace after the value is an error.
pub fn from_str<'de, T: Deserialize<'de>>(text: &'de str) -> Result<T, JsonError> {
    read::from_str(text)
}

/// Writes `value` as compact JSON (no whitespace), as `serde_json::to_string` does.
pub fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    write::to_string(value)
}

/// Why a text could not be read as the wanted type, or a value could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JsonError {
    /// The text is not well-formed JSON at this byte offset.
    #[error("malformed JSON at byte {offset}: expected {expected}")]
    Syntax {
        /// Byte offset of the first character that does not fit.
        offset: usize,
        /// What the reader expected there.
        expected: &'static str,
    },
    /// Well-formed JSON whose shape or values do not fit the wanted type.
    #[error("{0}")]
    Invalid(String),
    /// A value that JSON cannot express in this codec (an object key that is neither a string nor an integer).
    #[error("cannot write {0} as JSON")]
    Unsupported(&'static str),
}

impl de::Error for JsonError {
    fn custom<T: Display>(message: T) -> Self {
        JsonError::Invalid(message.to_string())
    }

    fn invalid_type(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        JsonError::Invalid(format!("invalid type: {}, expected {expected}", kind_of(&found)))
    }

    fn invalid_value(found: Unexpected<'_>, expected: &dyn Expected) -> Self {
        JsonError::Invalid(format!("invalid value: {}, expected {expected}", kind_of(&found)))
    }
}

impl ser::Error for JsonError {
    fn custom<T: Display>(message: T) -> Self {
        JsonError::Invalid(message.to_string())
    }
}

/// Names what serde found in words. serde's own `Display` for [`Unexpected`] formats floats, and with them links
/// core's float printing into every binary that reads JSON.
fn kind_of<'a>(found: &Unexpected<'a>) -> &'a str {
    match *found {
        Unexpected::Bool(_) => "a boolean",
        Unexpected::Unsigned(_) | Unexpected::Signed(_) | Unexpected::Float(_) => "a number",
        Unexpected::Char(_) | Unexpected::Str(_) => "a string",
        Unexpected::Bytes(_) => "bytes",
        Unexpected::Unit | Unexpected::Option => "null",
        Unexpected::Seq => "an array",
        Unexpected::Map => "an object",
        Unexpected::Enum
        | Unexpected::UnitVariant
        | Unexpected::NewtypeVariant
        | Unexpected::TupleVariant
        | Unexpected::StructVariant => "an enum variant",
        Unexpected::NewtypeStruct => "a newtype struct",
        Unexpected::Other(other) => other,
    }
}
