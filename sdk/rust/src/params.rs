//! Params decoded as the Go SDK's `assay.DecodeParams` decodes them into a
//! flat Go struct with `encoding/json` (a json.Decoder with
//! DisallowUnknownFields): the same syntax errors ("invalid character 'x'
//! looking for beginning of value", "unexpected EOF"), type and
//! unknown-field errors, names matched exactly or case-folded, the last of
//! duplicate names winning, null leaving a field alone (a pointer nil),
//! invalid UTF-8 and lone surrogates read as U+FFFD, and "params: "
//! before every reason. A Rust port of a Go validator gets the Go
//! program's verdicts and reasons on any params.
//!
//! ```ignore
//! use assay::params::{decode, Field, Type, Set};
//! const FIELDS: &[Field] = &[Field { name: "symbol", ty: Type::String }, Field { name: "window", ty: Type::Int64 }];
//! for (i, set) in decode(raw, "main.params", FIELDS)? { /* apply set to field i */ }
//! ```

use crate::json::{quote, quote_char};

/// A Go struct field's type, as its error texts name it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Type {
    /// string
    String,
    /// bool
    Bool,
    /// int (64 bits on wasm)
    Int,
    /// int64
    Int64,
    /// *int64: null makes it nil
    PtrInt64,
}

/// One field of the Go struct: its JSON name and type.
#[derive(Clone, Copy, Debug)]
pub struct Field {
    /// the `json:"name"` tag
    pub name: &'static str,
    /// the Go type
    pub ty: Type,
}

/// What decoding does to a field, in input order.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Set {
    /// a string field gets this text
    Str(String),
    /// a bool field
    Bool(bool),
    /// an integer field (a pointer is set)
    Int(i64),
    /// null on a pointer: nil
    Nil,
}

fn type_name(t: Type) -> &'static str {
    match t {
        Type::String => "string",
        Type::Bool => "bool",
        Type::Int => "int",
        Type::Int64 | Type::PtrInt64 => "int64",
    }
}

fn is_space(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r')
}

fn syntax(c: u8, context: &str) -> String {
    let q = if c == b'"' { String::from("'\"'") } else { quote_char(c) };
    format!("params: invalid character {} {}", q, context)
}

fn hex(c: u8) -> Option<u32> {
    (c as char).to_digit(16)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum St {
    Value,
    ValueOrEmpty,
    KeyOrEmpty,
    Key,
    Str,
    Esc,
    U(u8),
    Neg,
    Zero,
    One,
    Dot,
    Dot0,
    E,
    ESign,
    E0,
    Lit(&'static [u8], usize),
    End,
}

/// encoding/json's scanner as json.Decoder runs it over d: the end of the
/// first value, or the error Decode returns. It does not check UTF-8.
fn scan(d: &[u8]) -> Result<usize, String> {
    let mut stack: Vec<u8> = Vec::new(); // '{' key, ':' value, '[' element
    let mut st = St::Value;
    let n = d.len();
    let eof = || {
        if d.iter().all(|&c| is_space(c)) { String::from("params: EOF") } else { String::from("params: unexpected EOF") }
    };
    for i in 0..=n {
        let c = if i < n { d[i] } else { b' ' }; // json.Decoder feeds a space at EOF
        loop {
            match st {
                St::ValueOrEmpty | St::Value => {
                    if is_space(c) {
                        break;
                    }
                    if st == St::ValueOrEmpty && c == b']' {
                        stack.pop();
                        st = St::End;
                        break;
                    }
                    match c {
                        b'{' | b'[' => {
                            stack.push(c);
                            st = if c == b'{' { St::KeyOrEmpty } else { St::ValueOrEmpty };
                            if stack.len() > 10000 {
                                return Err(syntax(c, "exceeded max depth"));
                            }
                        }
                        b'"' => st = St::Str,
                        b'-' => st = St::Neg,
                        b'0' => st = St::Zero,
                        b'1'..=b'9' => st = St::One,
                        b't' => st = St::Lit(b"true", 1),
                        b'f' => st = St::Lit(b"false", 1),
                        b'n' => st = St::Lit(b"null", 1),
                        _ if i == n => return Err(eof()),
                        _ => return Err(syntax(c, "looking for beginning of value")),
                    }
                    break;
                }
                St::KeyOrEmpty | St::Key => {
                    if is_space(c) {
                        break;
                    }
                    if st == St::KeyOrEmpty && c == b'}' {
                        stack.pop();
                        st = St::End;
                        break;
                    }
                    if c == b'"' {
                        st = St::Str;
                        break;
                    }
                    if i == n {
                        return Err(eof());
                    }
                    return Err(syntax(c, "looking for beginning of object key string"));
                }
                St::Str => {
                    if i == n {
                        return Err(eof());
                    }
                    if c == b'"' {
                        st = St::End;
                    } else if c == b'\\' {
                        st = St::Esc;
                    } else if c < 0x20 {
                        return Err(syntax(c, "in string literal"));
                    }
                    break;
                }
                St::Esc => {
                    if i == n {
                        return Err(eof());
                    }
                    match c {
                        b'u' => st = St::U(0),
                        b'b' | b'f' | b'n' | b'r' | b't' | b'\\' | b'/' | b'"' => st = St::Str,
                        _ => return Err(syntax(c, "in string escape code")),
                    }
                    break;
                }
                St::U(k) => {
                    if i == n {
                        return Err(eof());
                    }
                    if hex(c).is_none() {
                        return Err(syntax(c, "in \\u hexadecimal character escape"));
                    }
                    st = if k == 3 { St::Str } else { St::U(k + 1) };
                    break;
                }
                St::Neg => {
                    match c {
                        b'0' => st = St::Zero,
                        b'1'..=b'9' => st = St::One,
                        _ if i == n => return Err(eof()),
                        _ => return Err(syntax(c, "in numeric literal")),
                    }
                    break;
                }
                St::One | St::Zero => {
                    if st == St::One && c.is_ascii_digit() {
                        break;
                    }
                    if c == b'.' {
                        st = St::Dot;
                        break;
                    }
                    if c == b'e' || c == b'E' {
                        st = St::E;
                        break;
                    }
                    st = St::End; // again with this byte
                }
                St::Dot => {
                    if c.is_ascii_digit() {
                        st = St::Dot0;
                        break;
                    }
                    if i == n {
                        return Err(eof());
                    }
                    return Err(syntax(c, "after decimal point in numeric literal"));
                }
                St::Dot0 => {
                    if c.is_ascii_digit() {
                        break;
                    }
                    if c == b'e' || c == b'E' {
                        st = St::E;
                        break;
                    }
                    st = St::End;
                }
                St::E | St::ESign => {
                    if st == St::E && (c == b'+' || c == b'-') {
                        st = St::ESign;
                        break;
                    }
                    if c.is_ascii_digit() {
                        st = St::E0;
                        break;
                    }
                    if i == n {
                        return Err(eof());
                    }
                    return Err(syntax(c, "in exponent of numeric literal"));
                }
                St::E0 => {
                    if c.is_ascii_digit() {
                        break;
                    }
                    st = St::End;
                }
                St::Lit(lit, u) => {
                    if c == lit[u] {
                        st = if u + 1 == lit.len() { St::End } else { St::Lit(lit, u + 1) };
                        break;
                    }
                    if i == n {
                        return Err(eof());
                    }
                    let ctx = format!(
                        "in literal {} (expecting {})",
                        core::str::from_utf8(lit).unwrap_or(""),
                        quote_char(lit[u])
                    );
                    return Err(syntax(c, &ctx));
                }
                St::End => {
                    let top = match stack.last_mut() {
                        None => return Ok(i), // the value ended before this byte
                        Some(t) => t,
                    };
                    if is_space(c) {
                        break;
                    }
                    match *top {
                        b'{' => {
                            if c == b':' {
                                *top = b':';
                                st = St::Value;
                                break;
                            }
                            if i == n {
                                return Err(eof());
                            }
                            return Err(syntax(c, "after object key"));
                        }
                        b':' => {
                            if c == b',' {
                                *top = b'{';
                                st = St::Key;
                                break;
                            }
                            if c == b'}' {
                                stack.pop();
                                break;
                            }
                            if i == n {
                                return Err(eof());
                            }
                            return Err(syntax(c, "after object key:value pair"));
                        }
                        _ => {
                            if c == b',' {
                                st = St::Value;
                                break;
                            }
                            if c == b']' {
                                stack.pop();
                                break;
                            }
                            if i == n {
                                return Err(eof());
                            }
                            return Err(syntax(c, "after array element"));
                        }
                    }
                }
            }
        }
    }
    Err(eof())
}

/// A reader over scanned (valid) JSON.
struct Dec<'a> {
    d: &'a [u8],
    pos: usize,
}

impl<'a> Dec<'a> {
    fn space(&mut self) {
        while self.pos < self.d.len() && is_space(self.d[self.pos]) {
            self.pos += 1;
        }
    }
    fn hex4(&self, i: usize) -> Option<u32> {
        if i + 6 > self.d.len() || self.d[i] != b'\\' || self.d[i + 1] != b'u' {
            return None;
        }
        let mut v = 0;
        for j in 2..6 {
            v = v * 16 + hex(self.d[i + j])?;
        }
        Some(v)
    }
    /// The string at pos (its quote), unquoted as encoding/json does.
    fn string(&mut self) -> String {
        let d = self.d;
        let mut i = self.pos + 1;
        let mut out = String::new();
        while d[i] != b'"' {
            if d[i] == b'\\' {
                let e = d[i + 1];
                if e != b'u' {
                    out.push(match e {
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'n' => '\n',
                        b'r' => '\r',
                        b't' => '\t',
                        _ => e as char,
                    });
                    i += 2;
                    continue;
                }
                let mut r = self.hex4(i).unwrap_or(0xfffd);
                i += 6;
                if (0xd800..0xe000).contains(&r) {
                    match self.hex4(i) {
                        Some(lo) if r < 0xdc00 && (0xdc00..0xe000).contains(&lo) => {
                            r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
                            i += 6;
                        }
                        _ => r = 0xfffd,
                    }
                }
                out.push(char::from_u32(r).unwrap_or('\u{fffd}'));
                continue;
            }
            let k = crate::json::utf8_len(&d[i..]);
            if k == 0 {
                out.push('\u{fffd}');
                i += 1;
                continue;
            }
            out.push_str(core::str::from_utf8(&d[i..i + k]).unwrap_or("\u{fffd}"));
            i += k;
        }
        self.pos = i + 1;
        out
    }
    /// Skips the value at pos.
    fn skip(&mut self) {
        let mut depth = 0i32;
        loop {
            self.space();
            let c = self.d[self.pos];
            match c {
                b'"' => {
                    self.string();
                }
                b'{' | b'[' => {
                    depth += 1;
                    self.pos += 1;
                }
                b'}' | b']' => {
                    depth -= 1;
                    self.pos += 1;
                }
                b',' | b':' => self.pos += 1,
                _ => {
                    while self.pos < self.d.len() && !is_space(self.d[self.pos]) && !b",}]:".contains(&self.d[self.pos]) {
                        self.pos += 1;
                    }
                }
            }
            if depth <= 0 {
                return;
            }
        }
    }
}

/// encoding/json's folded match: ASCII case, and the two non-ASCII runes
/// that fold into ASCII letters (ſ and the Kelvin sign K).
fn fold_eq(key: &str, field: &str) -> bool {
    let mut f = field.bytes();
    for ch in key.chars() {
        let c = match ch {
            '\u{17f}' => b's',
            '\u{212a}' => b'k',
            c if (c as u32) < 0x80 => (c as u8).to_ascii_lowercase(),
            _ => return false,
        };
        if f.next() != Some(c) {
            return false;
        }
    }
    f.next().is_none()
}

/// strconv.ParseInt(s, 10, 64).
fn parse_i64(s: &[u8]) -> Option<i64> {
    let (neg, body) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    if body.is_empty() {
        return None;
    }
    let mut u: u64 = 0;
    for &c in body {
        if !c.is_ascii_digit() {
            return None;
        }
        u = u.checked_mul(10)?.checked_add((c - b'0') as u64)?;
    }
    if neg {
        if u > 1 << 63 { None } else { Some((u as i64).wrapping_neg()) }
    } else if u >= 1 << 63 {
        None
    } else {
        Some(u as i64)
    }
}

/// Decodes raw as assay.DecodeParams decodes it into a Go struct named
/// go_type (e.g. "main.params") with these fields, and returns what it
/// sets, in input order, as (index into fields, value). Errors are the Go
/// SDK's reasons, "params: " included.
pub fn decode(raw: &[u8], go_type: &str, fields: &[Field]) -> Result<Vec<(usize, Set)>, String> {
    if raw.is_empty() {
        return Err(String::from("params: empty, want JSON"));
    }
    let end = scan(raw)?;
    let mut g = Dec { d: &raw[..end], pos: 0 };
    let mut err: Option<String> = None;
    let mut sets = Vec::new();
    let type_err = |err: &mut Option<String>, value: &str, field: Option<(&str, Type)>| {
        if err.is_none() {
            *err = Some(match field {
                Some((name, t)) => format!(
                    "params: json: cannot unmarshal {} into Go struct field {}.{} of type {}",
                    value,
                    go_type.rsplit('.').next().unwrap_or(go_type),
                    name,
                    type_name(t)
                ),
                None => format!("params: json: cannot unmarshal {} into Go value of type {}", value, go_type),
            });
        }
    };
    g.space();
    match g.d[g.pos] {
        b'{' => {
            g.pos += 1;
            loop {
                g.space();
                if g.d[g.pos] == b'}' {
                    break;
                }
                if g.d[g.pos] == b',' {
                    g.pos += 1;
                    g.space();
                }
                let key = g.string();
                g.space();
                g.pos += 1; // ':'
                g.space();
                let f = fields
                    .iter()
                    .position(|f| f.name == key)
                    .or_else(|| fields.iter().position(|f| fold_eq(&key, f.name)));
                let f = match f {
                    Some(f) => f,
                    None => {
                        if err.is_none() {
                            err = Some(format!("params: json: unknown field {}", quote(&key)));
                        }
                        g.skip();
                        continue;
                    }
                };
                let (name, ty) = (fields[f].name, fields[f].ty);
                let start = g.pos;
                match g.d[g.pos] {
                    b'n' => {
                        if ty == Type::PtrInt64 {
                            sets.push((f, Set::Nil));
                        }
                        g.skip();
                    }
                    b'"' => {
                        if ty == Type::String {
                            sets.push((f, Set::Str(g.string())));
                        } else {
                            type_err(&mut err, "string", Some((name, ty)));
                            g.skip();
                        }
                    }
                    c @ (b't' | b'f') => {
                        if ty == Type::Bool {
                            sets.push((f, Set::Bool(c == b't')));
                        } else {
                            type_err(&mut err, "bool", Some((name, ty)));
                        }
                        g.skip();
                    }
                    c @ (b'[' | b'{') => {
                        type_err(&mut err, if c == b'[' { "array" } else { "object" }, Some((name, ty)));
                        g.skip();
                    }
                    _ => {
                        g.skip();
                        let text = &g.d[start..g.pos];
                        match (ty, parse_i64(text)) {
                            (Type::String | Type::Bool, _) => type_err(&mut err, "number", Some((name, ty))),
                            (_, None) => {
                                let v = format!("number {}", core::str::from_utf8(text).unwrap_or(""));
                                type_err(&mut err, &v, Some((name, ty)))
                            }
                            (_, Some(x)) => sets.push((f, Set::Int(x))),
                        }
                    }
                }
            }
        }
        b'n' => {}
        c => {
            let kind = match c {
                b'[' => "array",
                b'"' => "string",
                b't' | b'f' => "bool",
                _ => "number",
            };
            type_err(&mut err, kind, None);
        }
    }
    if let Some(e) = err {
        return Err(e);
    }
    if raw[end..].iter().any(|&c| !is_space(c)) {
        return Err(String::from("params: trailing data after the JSON value"));
    }
    Ok(sets)
}
