//! A strict JSON parser with the Go SDK's limits and error texts
//! (`sdk/jcs`: "offset N: jcs: nesting too deep: more than D levels"), and
//! an RFC 8785 writer (canonical strings and ECMAScript numbers).

/// A parsed JSON value. Objects keep their members in input order.
#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    /// null
    Null,
    /// true or false
    Bool(bool),
    /// a number, read as the nearest double
    Number(f64),
    /// a string
    String(String),
    /// an array
    Array(Vec<Value>),
    /// an object's members
    Object(Vec<(String, Value)>),
}

impl Value {
    /// The JSON type's name, as sdk/jcs's Kind prints it.
    pub fn kind(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "boolean",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::Array(_) => "array",
            Value::Object(_) => "object",
        }
    }
    /// The member called name of an object.
    pub fn get(&self, name: &str) -> Option<&Value> {
        match self {
            Value::Object(m) => m.iter().find(|(k, _)| k == name).map(|(_, v)| v),
            _ => None,
        }
    }
    /// Whether this is a number with an exact int64 value (jcs IsInteger).
    pub fn is_integer(&self) -> bool {
        match *self {
            Value::Number(f) => (-9.2e18..=9.2e18).contains(&f) && f == (f as i64) as f64,
            _ => false,
        }
    }
}

/// Bounds of [`parse`]; zero fields mean the defaults (depth 200, no limit).
#[derive(Clone, Copy, Debug, Default)]
pub struct Limits {
    /// deepest array/object nesting (at most 200)
    pub max_depth: usize,
    /// most values (containers and scalars); 0 = no limit
    pub max_values: usize,
}

struct Parser<'a> {
    d: &'a [u8],
    pos: usize,
    max_depth: usize,
    max_values: usize,
    n_values: usize,
}

/// Parses exactly one JSON value surrounded by optional space. Rejects
/// duplicate member names, invalid UTF-8, lone surrogates and numbers out
/// of the double range; errors read like sdk/jcs's.
pub fn parse(data: &[u8], lim: Limits) -> Result<Value, String> {
    let depth = if lim.max_depth == 0 || lim.max_depth > 200 { 200 } else { lim.max_depth };
    let mut p = Parser { d: data, pos: 0, max_depth: depth, max_values: lim.max_values, n_values: 0 };
    p.space();
    let v = p.value(0)?;
    p.space();
    if p.pos != data.len() {
        return Err(p.err("trailing data after the JSON value"));
    }
    Ok(v)
}

impl<'a> Parser<'a> {
    fn err(&self, msg: &str) -> String {
        format!("offset {}: {}", self.pos, msg)
    }
    fn space(&mut self) {
        while self.pos < self.d.len() && matches!(self.d[self.pos], b' ' | b'\t' | b'\n' | b'\r') {
            self.pos += 1;
        }
    }
    fn value(&mut self, depth: usize) -> Result<Value, String> {
        if self.pos >= self.d.len() {
            return Err(self.err("unexpected end of input"));
        }
        self.n_values += 1;
        if self.max_values > 0 && self.n_values > self.max_values {
            return Err(self.err(&format!("jcs: too many values: more than {}", self.max_values)));
        }
        let c = self.d[self.pos];
        match c {
            b'{' | b'[' => {
                if depth + 1 > self.max_depth {
                    return Err(self.err(&format!("jcs: nesting too deep: more than {} levels", self.max_depth)));
                }
                if c == b'[' { self.array(depth + 1) } else { self.object(depth + 1) }
            }
            b'"' => Ok(Value::String(self.string()?)),
            b'-' | b'0'..=b'9' => Ok(Value::Number(self.number()?)),
            _ => {
                for (lit, v) in [("true", Value::Bool(true)), ("false", Value::Bool(false)), ("null", Value::Null)] {
                    if self.d[self.pos..].starts_with(lit.as_bytes()) {
                        self.pos += lit.len();
                        return Ok(v);
                    }
                }
                Err(self.err(&format!("unexpected character {}", quote_char(c))))
            }
        }
    }
    fn array(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        self.space();
        let mut out = Vec::new();
        if self.pos < self.d.len() && self.d[self.pos] == b']' {
            self.pos += 1;
            return Ok(Value::Array(out));
        }
        loop {
            self.space();
            out.push(self.value(depth)?);
            if self.next(b']')? {
                return Ok(Value::Array(out));
            }
        }
    }
    fn object(&mut self, depth: usize) -> Result<Value, String> {
        self.pos += 1;
        self.space();
        let mut out: Vec<(String, Value)> = Vec::new();
        if self.pos < self.d.len() && self.d[self.pos] == b'}' {
            self.pos += 1;
            return Ok(Value::Object(out));
        }
        loop {
            self.space();
            if self.pos >= self.d.len() || self.d[self.pos] != b'"' {
                return Err(self.err("expected a member name"));
            }
            let start = self.pos;
            let name = self.string()?;
            if out.iter().any(|(k, _)| *k == name) {
                return Err(format!("offset {}: jcs: duplicate member name {}", start, quote(&name)));
            }
            self.space();
            if self.pos >= self.d.len() || self.d[self.pos] != b':' {
                return Err(self.err("expected ':' after member name"));
            }
            self.pos += 1;
            self.space();
            let v = self.value(depth)?;
            out.push((name, v));
            if self.next(b'}')? {
                return Ok(Value::Object(out));
            }
        }
    }
    fn next(&mut self, closing: u8) -> Result<bool, String> {
        self.space();
        if self.pos >= self.d.len() {
            return Err(self.err("unexpected end of input"));
        }
        match self.d[self.pos] {
            b',' => {
                self.pos += 1;
                Ok(false)
            }
            c if c == closing => {
                self.pos += 1;
                Ok(true)
            }
            _ => Err(self.err(&format!("expected ',' or '{}'", closing as char))),
        }
    }
    fn digits(&mut self) -> usize {
        let s = self.pos;
        while self.pos < self.d.len() && self.d[self.pos].is_ascii_digit() {
            self.pos += 1;
        }
        self.pos - s
    }
    fn number(&mut self) -> Result<f64, String> {
        let start = self.pos;
        if self.d[self.pos] == b'-' {
            self.pos += 1;
        }
        if self.pos < self.d.len() && self.d[self.pos] == b'0' {
            self.pos += 1;
        } else if self.digits() == 0 {
            return Err(self.err("invalid number"));
        }
        if self.pos < self.d.len() && self.d[self.pos] == b'.' {
            self.pos += 1;
            if self.digits() == 0 {
                return Err(self.err("invalid number: no digits after '.'"));
            }
        }
        if self.pos < self.d.len() && (self.d[self.pos] | 0x20) == b'e' {
            self.pos += 1;
            if self.pos < self.d.len() && matches!(self.d[self.pos], b'+' | b'-') {
                self.pos += 1;
            }
            if self.digits() == 0 {
                return Err(self.err("invalid number: no digits in exponent"));
            }
        }
        let text = core::str::from_utf8(&self.d[start..self.pos]).unwrap_or("");
        match text.parse::<f64>() {
            Ok(f) if f.is_finite() => Ok(f),
            _ => {
                let t = if text.len() > 40 { format!("{}...", &text[..40]) } else { String::from(text) };
                Err(format!("offset {}: jcs: number out of range: {}", start, t))
            }
        }
    }
    fn hex4(&self, at: usize) -> Option<u32> {
        if at + 6 > self.d.len() || self.d[at] != b'\\' || self.d[at + 1] != b'u' {
            return None;
        }
        let s = core::str::from_utf8(&self.d[at + 2..at + 6]).ok()?;
        u32::from_str_radix(s, 16).ok().filter(|_| s.bytes().all(|b| b.is_ascii_hexdigit()))
    }
    fn string(&mut self) -> Result<String, String> {
        self.pos += 1;
        let mut buf: Vec<u8> = Vec::new();
        while self.pos < self.d.len() {
            let c = self.d[self.pos];
            match c {
                b'"' => {
                    self.pos += 1;
                    return String::from_utf8(buf).map_err(|_| self.err("jcs: invalid UTF-8"));
                }
                b'\\' => {
                    if self.pos + 1 >= self.d.len() {
                        return Err(self.err("unterminated escape"));
                    }
                    let e = self.d[self.pos + 1];
                    let simple = match e {
                        b'"' => Some(b'"'),
                        b'\\' => Some(b'\\'),
                        b'/' => Some(b'/'),
                        b'b' => Some(8),
                        b'f' => Some(12),
                        b'n' => Some(b'\n'),
                        b'r' => Some(b'\r'),
                        b't' => Some(b'\t'),
                        _ => None,
                    };
                    if let Some(b) = simple {
                        buf.push(b);
                        self.pos += 2;
                        continue;
                    }
                    if e != b'u' {
                        return Err(self.err(&format!("invalid escape \\{}", e as char)));
                    }
                    if self.pos + 6 > self.d.len() {
                        return Err(self.err("truncated \\u escape"));
                    }
                    let mut r = self.hex4(self.pos).ok_or_else(|| self.err("invalid \\u escape"))?;
                    if (0xd800..0xe000).contains(&r) {
                        let lo = if r < 0xdc00 { self.hex4(self.pos + 6) } else { None };
                        match lo {
                            Some(lo) if (0xdc00..0xe000).contains(&lo) => {
                                r = 0x10000 + ((r - 0xd800) << 10) + (lo - 0xdc00);
                                self.pos += 6;
                            }
                            _ => return Err(format!("offset {}: jcs: lone surrogate", self.pos + 6)),
                        }
                    }
                    self.pos += 6;
                    let mut tmp = [0u8; 4];
                    buf.extend_from_slice(char::from_u32(r).unwrap_or('\u{fffd}').encode_utf8(&mut tmp).as_bytes());
                }
                0..=0x1f => return Err(self.err(&format!("control character {:#x} in string", c))),
                0x80..=0xff => {
                    let n = utf8_len(&self.d[self.pos..]);
                    if n == 0 {
                        return Err(self.err("jcs: invalid UTF-8"));
                    }
                    buf.extend_from_slice(&self.d[self.pos..self.pos + n]);
                    self.pos += n;
                }
                _ => {
                    buf.push(c);
                    self.pos += 1;
                }
            }
        }
        Err(self.err("unterminated string"))
    }
}


/// Whether Go's strconv.IsPrint holds for r (what %q leaves unescaped).
pub fn go_is_print(r: u32) -> bool {
    if r < 0x80 {
        return (0x20..0x7f).contains(&r);
    }
    let t = &crate::isprint::GO_PRINT_RANGES;
    let (mut lo, mut hi) = (0usize, t.len() / 2);
    while lo < hi {
        let mid = (lo + hi) / 2;
        if r > t[2 * mid + 1] { lo = mid + 1 } else { hi = mid }
    }
    lo < t.len() / 2 && r >= t[2 * lo]
}

/// Appends rune r as Go's strconv.Quote (q = '"') or QuoteRune (q = '\'')
/// write it inside the quotes.
pub fn push_go_rune(out: &mut String, r: u32, q: char) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    if r == q as u32 || r == '\\' as u32 {
        out.push('\\');
        out.push(char::from_u32(r).unwrap_or('?'));
        return;
    }
    if go_is_print(r) {
        out.push(char::from_u32(r).unwrap_or('\u{fffd}'));
        return;
    }
    out.push('\\');
    match r {
        7 => out.push('a'),
        8 => out.push('b'),
        12 => out.push('f'),
        10 => out.push('n'),
        13 => out.push('r'),
        9 => out.push('t'),
        11 => out.push('v'),
        _ if r < 0x80 => {
            out.push('x');
            out.push(HEX[(r >> 4) as usize] as char);
            out.push(HEX[(r & 15) as usize] as char);
        }
        _ => {
            let n = if r < 0x10000 { 4 } else { 8 };
            out.push(if r < 0x10000 { 'u' } else { 'U' });
            for i in (0..n).rev() {
                out.push(HEX[((r >> (4 * i)) & 15) as usize] as char);
            }
        }
    }
}

/// s as Go's %q (strconv.Quote) writes it: printable runes of Go's
/// unicode tables as they are, the others escaped.
pub fn quote(s: &str) -> String {
    let mut out = String::from("\"");
    for ch in s.chars() {
        push_go_rune(&mut out, ch as u32, '"');
    }
    out.push('"');
    out
}

/// A byte as Go's %q prints it (the rune of that value, single-quoted).
pub fn quote_char(c: u8) -> String {
    let mut out = String::from("'");
    push_go_rune(&mut out, c as u32, '\'');
    out.push('\'');
    out
}

/// Length of the valid UTF-8 sequence that starts d (0 if invalid).
pub(crate) fn utf8_len(d: &[u8]) -> usize {
    let n = match d.first() {
        None => return 0,
        Some(&c) if c < 0x80 => return 1,
        Some(&c) if (0xc2..=0xdf).contains(&c) => 2,
        Some(&c) if (0xe0..=0xef).contains(&c) => 3,
        Some(&c) if (0xf0..=0xf4).contains(&c) => 4,
        _ => return 0,
    };
    if d.len() < n || core::str::from_utf8(&d[..n]).is_err() { 0 } else { n }
}

/// Appends s as an RFC 8785 string.
pub fn append_string(dst: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    dst.push(b'"');
    for &c in s.as_bytes() {
        match c {
            b'"' | b'\\' => dst.extend_from_slice(&[b'\\', c]),
            8 => dst.extend_from_slice(b"\\b"),
            b'\t' => dst.extend_from_slice(b"\\t"),
            b'\n' => dst.extend_from_slice(b"\\n"),
            12 => dst.extend_from_slice(b"\\f"),
            b'\r' => dst.extend_from_slice(b"\\r"),
            0..=0x1f => dst.extend_from_slice(&[b'\\', b'u', b'0', b'0', HEX[(c >> 4) as usize], HEX[(c & 15) as usize]]),
            _ => dst.push(c),
        }
    }
    dst.push(b'"');
}

/// Appends f as ECMAScript's Number::toString (RFC 8785); NaN and
/// infinities as null, like sdk/jcs.
pub fn append_number(dst: &mut Vec<u8>, f: f64) {
    use core::fmt::Write;
    if !f.is_finite() {
        dst.extend_from_slice(b"null");
        return;
    }
    if f == 0.0 {
        dst.push(b'0');
        return;
    }
    let mut s = String::new();
    let abs = if f < 0.0 { -f } else { f };
    if abs < 9007199254740992.0 && f == (f as i64) as f64 {
        let _ = write!(s, "{}", f as i64);
        dst.extend_from_slice(s.as_bytes());
        return;
    }
    if f < 0.0 {
        dst.push(b'-');
    }
    // core's LowerExp prints the shortest round-trip digits: d.ddde±x.
    let _ = write!(s, "{:e}", abs);
    let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
    let digits: Vec<u8> = mant.bytes().filter(|&b| b != b'.').collect();
    let n = exp.parse::<i32>().unwrap_or(0) + 1;
    let k = digits.len() as i32;
    if k <= n && n <= 21 {
        dst.extend_from_slice(&digits);
        dst.extend(core::iter::repeat(b'0').take((n - k) as usize));
    } else if 0 < n && n <= 21 {
        dst.extend_from_slice(&digits[..n as usize]);
        dst.push(b'.');
        dst.extend_from_slice(&digits[n as usize..]);
    } else if -6 < n && n <= 0 {
        dst.extend_from_slice(b"0.");
        dst.extend(core::iter::repeat(b'0').take((-n) as usize));
        dst.extend_from_slice(&digits);
    } else {
        dst.push(digits[0]);
        if k > 1 {
            dst.push(b'.');
            dst.extend_from_slice(&digits[1..]);
        }
        dst.extend_from_slice(format!("e{}{}", if n - 1 >= 0 { "+" } else { "-" }, (n - 1).abs()).as_bytes());
    }
}

/// Appends v as RFC 8785 JSON: members sorted by their UTF-16 code units.
pub fn append(dst: &mut Vec<u8>, v: &Value) {
    match v {
        Value::Null => dst.extend_from_slice(b"null"),
        Value::Bool(b) => dst.extend_from_slice(if *b { b"true" } else { b"false" }),
        Value::Number(f) => append_number(dst, *f),
        Value::String(s) => append_string(dst, s),
        Value::Array(a) => {
            dst.push(b'[');
            for (i, e) in a.iter().enumerate() {
                if i > 0 {
                    dst.push(b',');
                }
                append(dst, e);
            }
            dst.push(b']');
        }
        Value::Object(m) => {
            let mut idx: Vec<usize> = (0..m.len()).collect();
            idx.sort_by(|&a, &b| m[a].0.encode_utf16().cmp(m[b].0.encode_utf16()));
            dst.push(b'{');
            for (i, &j) in idx.iter().enumerate() {
                if i > 0 {
                    dst.push(b',');
                }
                append_string(dst, &m[j].0);
                dst.push(b':');
                append(dst, &m[j].1);
            }
            dst.push(b'}');
        }
    }
}
