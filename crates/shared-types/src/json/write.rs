//! Writing: a serde `Serializer` that appends compact JSON to a `String`, in `serde_json`'s layout (external enum
//! tagging, `null` for `None` and unit, control characters escaped as `\u00xx`).

use std::fmt::Write as _;

use serde::Serialize;
use serde::ser::{
    SerializeMap, SerializeSeq, SerializeStruct, SerializeStructVariant, SerializeTuple, SerializeTupleStruct,
    SerializeTupleVariant, Serializer,
};

use super::JsonError;

pub(super) fn to_string<T: Serialize + ?Sized>(value: &T) -> Result<String, JsonError> {
    let mut out = String::new();
    value.serialize(Writer { out: &mut out })?;
    Ok(out)
}

/// Appends one value to `out`.
struct Writer<'a> {
    out: &'a mut String,
}

fn write_string(out: &mut String, text: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    out.push('"');
    let mut run = 0;
    for (at, byte) in text.bytes().enumerate() {
        let escape = match byte {
            b'"' => "\\\"",
            b'\\' => "\\\\",
            b'\n' => "\\n",
            b'\r' => "\\r",
            b'\t' => "\\t",
            0x08 => "\\b",
            0x0c => "\\f",
            0..0x20 => "",
            _ => continue,
        };
        out.push_str(&text[run..at]);
        if escape.is_empty() {
            out.push_str("\\u00");
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0xf)]));
        } else {
            out.push_str(escape);
        }
        run = at + 1;
    }
    out.push_str(&text[run..]);
    out.push('"');
}

impl<'a> Writer<'a> {
    fn integer(self, value: impl std::fmt::Display) -> Result<(), JsonError> {
        // Writing into a String cannot fail.
        let _ = write!(self.out, "{value}");
        Ok(())
    }

    fn open(self, opening: &str, close: &'static str) -> Compound<'a> {
        self.out.push_str(opening);
        Compound {
            out: self.out,
            first: true,
            close,
        }
    }

    /// `{"variant":` followed by `opening`; the variant's value is closed with `close`.
    fn open_variant(self, variant: &str, opening: &str, close: &'static str) -> Compound<'a> {
        self.out.push('{');
        write_string(self.out, variant);
        self.out.push(':');
        self.open(opening, close)
    }
}

impl<'a> Serializer for Writer<'a> {
    type Ok = ();
    type Error = JsonError;
    type SerializeSeq = Compound<'a>;
    type SerializeTuple = Compound<'a>;
    type SerializeTupleStruct = Compound<'a>;
    type SerializeTupleVariant = Compound<'a>;
    type SerializeMap = Compound<'a>;
    type SerializeStruct = Compound<'a>;
    type SerializeStructVariant = Compound<'a>;

    fn serialize_bool(self, value: bool) -> Result<(), JsonError> {
        self.out.push_str(if value { "true" } else { "false" });
        Ok(())
    }

    fn serialize_i8(self, value: i8) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_i16(self, value: i16) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_i32(self, value: i32) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_i64(self, value: i64) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_u8(self, value: u8) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_u16(self, value: u16) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_u32(self, value: u32) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_u64(self, value: u64) -> Result<(), JsonError> {
        self.integer(value)
    }

    fn serialize_f32(self, value: f32) -> Result<(), JsonError> {
        if value.is_finite() {
            let _ = write!(self.out, "{value}");
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    /// The shortest decimal that reads back as `value` (Rust's `Display`: `1` for 1.0 where serde_json writes
    /// `1.0`, and no exponent); `null` for infinities and NaN, which JSON cannot express.
    fn serialize_f64(self, value: f64) -> Result<(), JsonError> {
        if value.is_finite() {
            let _ = write!(self.out, "{value}");
        } else {
            self.out.push_str("null");
        }
        Ok(())
    }

    fn serialize_char(self, value: char) -> Result<(), JsonError> {
        write_string(self.out, value.encode_utf8(&mut [0; 4]));
        Ok(())
    }

    fn serialize_str(self, value: &str) -> Result<(), JsonError> {
        write_string(self.out, value);
        Ok(())
    }

    fn serialize_bytes(self, value: &[u8]) -> Result<(), JsonError> {
        let mut array = self.open("[", "]");
        for byte in value {
            array.element(byte)?;
        }
        array.close()
    }

    fn serialize_none(self) -> Result<(), JsonError> {
        self.serialize_unit()
    }

    fn serialize_some<T: Serialize + ?Sized>(self, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }

    fn serialize_unit(self) -> Result<(), JsonError> {
        self.out.push_str("null");
        Ok(())
    }

    fn serialize_unit_struct(self, _: &'static str) -> Result<(), JsonError> {
        self.serialize_unit()
    }

    fn serialize_unit_variant(self, _: &'static str, _: u32, variant: &'static str) -> Result<(), JsonError> {
        self.serialize_str(variant)
    }

    fn serialize_newtype_struct<T: Serialize + ?Sized>(self, _: &'static str, value: &T) -> Result<(), JsonError> {
        value.serialize(self)
    }

    fn serialize_newtype_variant<T: Serialize + ?Sized>(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        value: &T,
    ) -> Result<(), JsonError> {
        let compound = self.open_variant(variant, "", "}");
        value.serialize(Writer {
            out: &mut *compound.out,
        })?;
        compound.close()
    }

    fn serialize_seq(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple(self, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(self.open("[", "]"))
    }

    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, JsonError> {
        Ok(self.open_variant(variant, "[", "]}"))
    }

    fn serialize_map(self, _: Option<usize>) -> Result<Compound<'a>, JsonError> {
        Ok(self.open("{", "}"))
    }

    fn serialize_struct(self, _: &'static str, _: usize) -> Result<Compound<'a>, JsonError> {
        Ok(self.open("{", "}"))
    }

    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        variant: &'static str,
        _: usize,
    ) -> Result<Compound<'a>, JsonError> {
        Ok(self.open_variant(variant, "{", "}}"))
    }
}

/// An array or object being written: a comma goes before every element but the first, `close` after the last.
pub(super) struct Compound<'a> {
    out: &'a mut String,
    first: bool,
    close: &'static str,
}

impl Compound<'_> {
    fn element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        value.serialize(Writer { out: &mut *self.out })
    }

    fn field<T: Serialize + ?Sized>(&mut self, key: &str, value: &T) -> Result<(), JsonError> {
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        write_string(self.out, key);
        self.out.push(':');
        value.serialize(Writer { out: &mut *self.out })
    }

    fn close(self) -> Result<(), JsonError> {
        self.out.push_str(self.close);
        Ok(())
    }
}

impl SerializeSeq for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.element(value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl SerializeTuple for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_element<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.element(value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl SerializeTupleStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.element(value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl SerializeTupleVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        self.element(value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

/// Object keys must serialize as strings: they are written on their own first and refused otherwise.
impl SerializeMap for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_key<T: Serialize + ?Sized>(&mut self, key: &T) -> Result<(), JsonError> {
        let key = to_string(key)?;
        if !key.starts_with('"') {
            return Err(JsonError::Unsupported("an object key that is not a string"));
        }
        if !std::mem::take(&mut self.first) {
            self.out.push(',');
        }
        self.out.push_str(&key);
        self.out.push(':');
        Ok(())
    }

    fn serialize_value<T: Serialize + ?Sized>(&mut self, value: &T) -> Result<(), JsonError> {
        value.serialize(Writer { out: &mut *self.out })
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl SerializeStruct for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), JsonError> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}

impl SerializeStructVariant for Compound<'_> {
    type Ok = ();
    type Error = JsonError;

    fn serialize_field<T: Serialize + ?Sized>(&mut self, key: &'static str, value: &T) -> Result<(), JsonError> {
        self.field(key, value)
    }

    fn end(self) -> Result<(), JsonError> {
        self.close()
    }
}
