//! Reading: a serde `Deserializer` over JSON text. Strings without escapes are borrowed from the input; numbers
//! are read as integers unless the target type asks for a float.

use std::borrow::Cow;

use serde::de::{self, DeserializeSeed, Deserializer, EnumAccess, MapAccess, SeqAccess, VariantAccess, Visitor};

use super::JsonError;

pub(super) fn from_str<'de, T: de::Deserialize<'de>>(text: &'de str) -> Result<T, JsonError> {
    let mut reader = Reader { text, at: 0, depth: 0 };
    let value = T::deserialize(&mut reader)?;
    if reader.peek().is_some() {
        return Err(reader.syntax("the end of the text"));
    }
    Ok(value)
}

/// How deeply arrays, objects and enum objects may nest, as `serde_json` allows: deeper text is refused before it
/// can exhaust the stack (a hostile frame could send a hundred thousand `[`).
const MAX_DEPTH: u16 = 128;

/// JSON text, the byte offset of the next unread character (always on a character boundary), and how many arrays
/// and objects the reader is inside.
pub(super) struct Reader<'de> {
    text: &'de str,
    at: usize,
    depth: u16,
}

/// An integer as JSON wrote it: serde's visitors check the range of the type they build.
enum Integer {
    Unsigned(u64),
    Negative(i64),
}

impl<'de> Reader<'de> {
    fn bytes(&self) -> &'de [u8] {
        self.text.as_bytes()
    }

    fn syntax(&self, expected: &'static str) -> JsonError {
        JsonError::Syntax {
            offset: self.at,
            expected,
        }
    }

    /// The error for a value that is not the `expected` kind: a type error when another kind of value starts
    /// there, a syntax error otherwise.
    fn unexpected(&mut self, expected: &'static str) -> JsonError {
        let found = match self.peek() {
            Some(b'"') => "a string",
            Some(b't' | b'f') => "a boolean",
            Some(b'n') => "null",
            Some(b'[') => "an array",
            Some(b'{') => "an object",
            Some(b'-' | b'0'..=b'9') => "a number",
            _ => return self.syntax(expected),
        };
        JsonError::Invalid(format!("invalid type: {found}, expected {expected}"))
    }

    /// Consumes the first character of a value of the `expected` kind.
    fn start(&mut self, first: u8, expected: &'static str) -> Result<(), JsonError> {
        if self.peek() != Some(first) {
            return Err(self.unexpected(expected));
        }
        self.at += 1;
        Ok(())
    }

    /// The next character after whitespace, not consumed.
    fn peek(&mut self) -> Option<u8> {
        while let Some(b' ' | b'\n' | b'\r' | b'\t') = self.bytes().get(self.at) {
            self.at += 1;
        }
        self.bytes().get(self.at).copied()
    }

    /// Consumes `byte` after whitespace, or fails naming what was expected.
    fn eat(&mut self, byte: u8, expected: &'static str) -> Result<(), JsonError> {
        if self.peek() != Some(byte) {
            return Err(self.syntax(expected));
        }
        self.at += 1;
        Ok(())
    }

    fn literal(&mut self, word: &'static str) -> Result<(), JsonError> {
        self.peek();
        if !self.bytes()[self.at..].starts_with(word.as_bytes()) {
            return Err(self.syntax(word));
        }
        self.at += word.len();
        Ok(())
    }

    fn boolean(&mut self) -> Result<bool, JsonError> {
        match self.peek() {
            Some(b't') => self.literal("true").map(|()| true),
            Some(b'f') => self.literal("false").map(|()| false),
            _ => Err(self.unexpected("a boolean")),
        }
    }

    /// The text of one number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`.
    fn number(&mut self) -> Result<&'de str, JsonError> {
        if !matches!(self.peek(), Some(b'-' | b'0'..=b'9')) {
            return Err(self.unexpected("a number"));
        }
        let bytes = self.bytes();
        let start = self.at;
        let digits = |at: &mut usize| {
            let from = *at;
            while bytes.get(*at).is_some_and(u8::is_ascii_digit) {
                *at += 1;
            }
            *at - from
        };
        let mut at = start + usize::from(bytes.get(start) == Some(&b'-'));
        let integer_digits = digits(&mut at);
        let well_formed = match integer_digits {
            0 => false,
            1 => true,
            _ => bytes[at - integer_digits] != b'0',
        } && (bytes.get(at) != Some(&b'.') || {
            at += 1;
            digits(&mut at) > 0
        }) && (!matches!(bytes.get(at), Some(b'e' | b'E')) || {
            at += 1;
            at += usize::from(matches!(bytes.get(at), Some(b'+' | b'-')));
            digits(&mut at) > 0
        });
        if !well_formed {
            self.at = at;
            return Err(self.syntax("a number"));
        }
        self.at = at;
        Ok(&self.text[start..at])
    }

    fn integer(&mut self) -> Result<Integer, JsonError> {
        let number = self.number()?;
        if number.contains(['.', 'e', 'E']) {
            return Err(JsonError::Invalid(format!(
                "found the fractional number {number}, expected an integer"
            )));
        }
        let integer = if number.starts_with('-') {
            number.parse().map(Integer::Negative).ok()
        } else {
            number.parse().map(Integer::Unsigned).ok()
        };
        integer.ok_or_else(|| JsonError::Invalid(format!("the number {number} is out of range")))
    }

    /// One string, quotes included; borrowed from the text unless it has escapes.
    fn string(&mut self) -> Result<Cow<'de, str>, JsonError> {
        self.start(b'"', "a string")?;
        let mut unescaped: Option<String> = None;
        let mut run = self.at;
        loop {
            match self.bytes().get(self.at) {
                None => return Err(self.syntax("a closing quote")),
                Some(b'"') => {
                    let tail = &self.text[run..self.at];
                    self.at += 1;
                    return Ok(match unescaped {
                        None => Cow::Borrowed(tail),
                        Some(mut text) => {
                            text.push_str(tail);
                            Cow::Owned(text)
                        }
                    });
                }
                Some(b'\\') => {
                    let text = unescaped.get_or_insert_with(String::new);
                    text.push_str(&self.text[run..self.at]);
                    self.at += 1;
                    text.push(self.escape()?);
                    run = self.at;
                }
                Some(0..0x20) => return Err(self.syntax("an escape instead of a control character")),
                Some(_) => self.at += 1,
            }
        }
    }

    /// The character of one escape, its backslash already consumed.
    fn escape(&mut self) -> Result<char, JsonError> {
        let escaped = match self.bytes().get(self.at) {
            Some(b'"') => '"',
            Some(b'\\') => '\\',
            Some(b'/') => '/',
            Some(b'b') => '\u{8}',
            Some(b'f') => '\u{c}',
            Some(b'n') => '\n',
            Some(b'r') => '\r',
            Some(b't') => '\t',
            Some(b'u') => {
                self.at += 1;
                let first = self.hex4()?;
                let code = if (0xD800..0xDC00).contains(&first) {
                    if !self.bytes()[self.at..].starts_with(b"\\u") {
                        return Err(self.syntax("the second half of a surrogate pair"));
                    }
                    self.at += 2;
                    let second = self.hex4()?;
                    if !(0xDC00..0xE000).contains(&second) {
                        return Err(self.syntax("the second half of a surrogate pair"));
                    }
                    0x10000 + ((first - 0xD800) << 10) + (second - 0xDC00)
                } else {
                    first
                };
                return char::from_u32(code).ok_or_else(|| self.syntax("a Unicode scalar value"));
            }
            _ => return Err(self.syntax("an escape")),
        };
        self.at += 1;
        Ok(escaped)
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self.bytes().get(self.at..self.at + 4).unwrap_or_default();
        let mut code = 0;
        for (index, digit) in digits.iter().enumerate() {
            let Some(value) = char::from(*digit).to_digit(16) else {
                self.at += index;
                return Err(self.syntax("four hexadecimal digits"));
            };
            code = code * 16 + value;
        }
        if digits.len() < 4 {
            self.at += digits.len();
            return Err(self.syntax("four hexadecimal digits"));
        }
        self.at += 4;
        Ok(code)
    }

    /// Enters one more array or object, or refuses past [`MAX_DEPTH`].
    fn descend(&mut self) -> Result<(), JsonError> {
        if self.depth >= MAX_DEPTH {
            return Err(self.syntax("less nesting (at most 128 levels)"));
        }
        self.depth += 1;
        Ok(())
    }

    fn ascend(&mut self) {
        self.depth -= 1;
    }

    /// Inside an array or object: true when one more element follows (the comma before it consumed), false once
    /// the closing bracket is consumed.
    fn more(&mut self, close: u8, first: &mut bool) -> Result<bool, JsonError> {
        if self.peek() == Some(close) {
            self.at += 1;
            return Ok(false);
        }
        if !std::mem::take(first) {
            self.eat(b',', "a comma or a closing bracket")?;
        }
        Ok(true)
    }

    /// Reads past one value of any kind without building it.
    fn skip_value(&mut self) -> Result<(), JsonError> {
        let mut first = true;
        match self.peek() {
            Some(b'n') => self.literal("null"),
            Some(b't' | b'f') => self.boolean().map(drop),
            Some(b'"') => self.string().map(drop),
            Some(b'[') => {
                self.descend()?;
                self.at += 1;
                while self.more(b']', &mut first)? {
                    self.skip_value()?;
                }
                self.ascend();
                Ok(())
            }
            Some(b'{') => {
                self.descend()?;
                self.at += 1;
                while self.more(b'}', &mut first)? {
                    self.string()?;
                    self.eat(b':', "a colon")?;
                    self.skip_value()?;
                }
                self.ascend();
                Ok(())
            }
            _ => self.number().map(drop),
        }
    }

    fn visit_string<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        match self.string()? {
            Cow::Borrowed(text) => visitor.visit_borrowed_str(text),
            Cow::Owned(text) => visitor.visit_string(text),
        }
    }

    fn visit_integer<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        match self.integer()? {
            Integer::Unsigned(value) => visitor.visit_u64(value),
            Integer::Negative(value) => visitor.visit_i64(value),
        }
    }

    fn visit_float<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        let number = self.number()?;
        let value: f64 = number
            .parse()
            .ok()
            .filter(|value: &f64| value.is_finite())
            .ok_or_else(|| JsonError::Invalid(format!("the number {number} is out of range")))?;
        visitor.visit_f64(value)
    }

    fn visit_elements<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        self.start(b'[', "an array")?;
        self.descend()?;
        let mut elements = Elements {
            reader: self,
            first: true,
            done: false,
        };
        let value = visitor.visit_seq(&mut elements)?;
        if !elements.done && elements.reader.more(b']', &mut false)? {
            return Err(elements.reader.syntax("the end of the array"));
        }
        self.ascend();
        Ok(value)
    }

    fn visit_entries<V: Visitor<'de>>(&mut self, visitor: V) -> Result<V::Value, JsonError> {
        self.start(b'{', "an object")?;
        self.descend()?;
        let mut entries = Entries {
            reader: self,
            first: true,
            done: false,
        };
        let value = visitor.visit_map(&mut entries)?;
        if !entries.done && entries.reader.more(b'}', &mut false)? {
            return Err(entries.reader.syntax("the end of the object"));
        }
        self.ascend();
        Ok(value)
    }
}

/// Integer targets: serde's visitors check the range of the type they build.
macro_rules! integers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
            self.visit_integer(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for &mut Reader<'de> {
    type Error = JsonError;

    integers!(deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64
              deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64);

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        match self.peek() {
            Some(b'n') => self.deserialize_unit(visitor),
            Some(b't' | b'f') => self.deserialize_bool(visitor),
            Some(b'"') => self.visit_string(visitor),
            Some(b'[') => self.visit_elements(visitor),
            Some(b'{') => self.visit_entries(visitor),
            _ => {
                let start = self.at;
                let fractional = self.number()?.contains(['.', 'e', 'E']);
                self.at = start;
                if fractional {
                    self.visit_float(visitor)
                } else {
                    self.visit_integer(visitor)
                }
            }
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        visitor.visit_bool(self.boolean()?)
    }

    fn deserialize_f32<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_float(visitor)
    }

    fn deserialize_f64<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_float(visitor)
    }

    fn deserialize_char<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_string(visitor)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_string(visitor)
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_string(visitor)
    }

    fn deserialize_bytes<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_elements(visitor)
    }

    fn deserialize_byte_buf<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_elements(visitor)
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.peek() == Some(b'n') {
            self.literal("null")?;
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        if self.peek() != Some(b'n') {
            return Err(self.unexpected("null"));
        }
        self.literal("null")?;
        visitor.visit_unit()
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, JsonError> {
        self.deserialize_unit(visitor)
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _: &'static str, visitor: V) -> Result<V::Value, JsonError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_elements(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_elements(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: usize,
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        self.visit_elements(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_entries(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        self.visit_entries(visitor)
    }

    /// `"Variant"` for a unit variant, `{"Variant": value}` for the others: serde's external tagging.
    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _: &'static str,
        _: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, JsonError> {
        match self.peek() {
            Some(b'"') => visitor.visit_enum(Variant {
                reader: self,
                with_value: false,
            }),
            Some(b'{') => {
                self.descend()?;
                self.at += 1;
                let value = visitor.visit_enum(Variant {
                    reader: &mut *self,
                    with_value: true,
                })?;
                self.eat(b'}', "the end of the enum's object")?;
                self.ascend();
                Ok(value)
            }
            _ => Err(self.unexpected("an enum variant")),
        }
    }

    fn deserialize_identifier<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.visit_string(visitor)
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, JsonError> {
        self.skip_value()?;
        visitor.visit_unit()
    }
}

/// The elements of an array, for a visitor that reads a sequence.
struct Elements<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
    done: bool,
}

impl<'de> SeqAccess<'de> for Elements<'_, 'de> {
    type Error = JsonError;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, JsonError> {
        if self.done || !self.reader.more(b']', &mut self.first)? {
            self.done = true;
            return Ok(None);
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }
}

/// The entries of an object, for a visitor that reads a map or a struct. Keys are strings.
struct Entries<'a, 'de> {
    reader: &'a mut Reader<'de>,
    first: bool,
    done: bool,
}

impl<'de> MapAccess<'de> for Entries<'_, 'de> {
    type Error = JsonError;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, JsonError> {
        if self.done || !self.reader.more(b'}', &mut self.first)? {
            self.done = true;
            return Ok(None);
        }
        if self.reader.peek() != Some(b'"') {
            return Err(self.reader.syntax("a string key"));
        }
        seed.deserialize(&mut *self.reader).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, JsonError> {
        self.reader.eat(b':', "a colon")?;
        seed.deserialize(&mut *self.reader)
    }
}

/// An enum variant: its name, then (inside `{"Variant": …}`) its value.
struct Variant<'a, 'de> {
    reader: &'a mut Reader<'de>,
    with_value: bool,
}

impl<'de> Variant<'_, 'de> {
    fn needs_value(&self) -> Result<(), JsonError> {
        if self.with_value {
            Ok(())
        } else {
            Err(de::Error::invalid_type(
                de::Unexpected::UnitVariant,
                &"a variant with a value",
            ))
        }
    }
}

impl<'de> EnumAccess<'de> for Variant<'_, 'de> {
    type Error = JsonError;
    type Variant = Self;

    fn variant_seed<V: DeserializeSeed<'de>>(self, seed: V) -> Result<(V::Value, Self), JsonError> {
        let name = seed.deserialize(&mut *self.reader)?;
        if self.with_value {
            self.reader.eat(b':', "a colon")?;
        }
        Ok((name, self))
    }
}

impl<'de> VariantAccess<'de> for Variant<'_, 'de> {
    type Error = JsonError;

    fn unit_variant(self) -> Result<(), JsonError> {
        if self.with_value {
            self.reader.literal("null")?;
        }
        Ok(())
    }

    fn newtype_variant_seed<T: DeserializeSeed<'de>>(self, seed: T) -> Result<T::Value, JsonError> {
        self.needs_value()?;
        seed.deserialize(self.reader)
    }

    fn tuple_variant<V: Visitor<'de>>(self, _: usize, visitor: V) -> Result<V::Value, JsonError> {
        self.needs_value()?;
        self.reader.visit_elements(visitor)
    }

    fn struct_variant<V: Visitor<'de>>(self, _: &'static [&'static str], visitor: V) -> Result<V::Value, JsonError> {
        self.needs_value()?;
        self.reader.visit_entries(visitor)
    }
}
