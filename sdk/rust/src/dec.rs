//! Exact decimals, as the Go SDK's `sdk/dec`: parse, compare, print
//! without exponent or trailing zeros, with the same bounds and errors.
use core::cmp::Ordering;

/// Most significant digits of a Decimal.
pub const MAX_DIGITS: usize = 60;
/// Largest |exponent| of the least significant digit.
pub const MAX_EXP: i64 = 100;

/// sign × digits × 10^exp; digits has no leading or trailing zeros ("" = 0).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Decimal {
    neg: bool,
    digits: String,
    exp: i64,
}

fn clip(s: &str) -> String {
    if s.len() > 40 { format!("{}...", &s[..40]) } else { String::from(s) }
}

fn syntax(s: &str) -> String {
    format!("dec: invalid decimal: {}", crate::json::quote(&clip(s)))
}

fn range(s: &str) -> String {
    format!("dec: decimal out of range: {}", crate::json::quote(&clip(s)))
}

/// strconv.Atoi(s): Err(true) for its range error, Err(false) for its
/// syntax error, whichever it meets first scanning (an overflow before a
/// bad character is a range error, as in Go).
fn go_atoi(s: &str) -> Result<i64, bool> {
    let b = s.as_bytes();
    let (neg, body) = match b.first() {
        Some(b'-') => (true, &b[1..]),
        Some(b'+') => (false, &b[1..]),
        _ => (false, b),
    };
    if body.is_empty() {
        return Err(false);
    }
    let mut u: u64 = 0;
    for &c in body {
        if !c.is_ascii_digit() {
            return Err(false);
        }
        if u >= u64::MAX / 10 + 1 {
            return Err(true);
        }
        u = u.checked_mul(10).and_then(|x| x.checked_add((c - b'0') as u64)).ok_or(true)?;
    }
    if neg {
        if u > 1 << 63 { Err(true) } else { Ok((u as i64).wrapping_neg()) }
    } else if u >= 1 << 63 {
        Err(true)
    } else {
        Ok(u as i64)
    }
}

impl Decimal {
    /// Parses [+-]digits[.digits][e[+-]digits].
    pub fn parse(s: &str) -> Result<Decimal, String> {
        let (mant, mut exp) = match s.find(|c| c == 'e' || c == 'E') {
            None => (s, 0i64),
            Some(i) => {
                let e = match go_atoi(&s[i + 1..]) {
                    Ok(e) => e,
                    Err(true) => return Err(range(s)),
                    Err(false) => return Err(syntax(s)),
                };
                if !(-10 * MAX_EXP..=10 * MAX_EXP).contains(&e) {
                    return Err(range(s));
                }
                (&s[..i], e)
            }
        };
        let (neg, mant) = match mant.as_bytes().first() {
            Some(b'-') => (true, &mant[1..]),
            Some(b'+') => (false, &mant[1..]),
            _ => (false, mant),
        };
        let (int, frac) = match mant.find('.') {
            Some(i) => (&mant[..i], &mant[i + 1..]),
            None => (mant, ""),
        };
        let all = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
        if (int.is_empty() && frac.is_empty()) || !all(int) || !all(frac) {
            return Err(syntax(s));
        }
        let mut digits = String::from(int.trim_start_matches('0'));
        if digits.is_empty() {
            digits.push_str(frac.trim_start_matches('0'));
        } else {
            digits.push_str(frac);
        }
        exp -= frac.len() as i64;
        let trimmed = digits.trim_end_matches('0');
        exp += (digits.len() - trimmed.len()) as i64;
        if trimmed.is_empty() {
            return Ok(Decimal::default());
        }
        if trimmed.len() > MAX_DIGITS || exp > MAX_EXP || exp < -MAX_EXP {
            return Err(range(s));
        }
        Ok(Decimal { neg, digits: String::from(trimmed), exp })
    }

    /// The decimal with the shortest digits that round-trip to f.
    pub fn from_f64(f: f64) -> Result<Decimal, String> {
        if !f.is_finite() {
            return Err(String::from("dec: decimal out of range"));
        }
        // core's LowerExp gives the shortest digits as d.ddde±x; the
        // reason of a range error quotes them as strconv.FormatFloat(f,
        // 'e', -1, 64) does: d.ddde±XX.
        let s = format!("{:e}", f);
        Decimal::parse(&s).map_err(|_| {
            let (mant, exp) = s.split_once('e').unwrap_or((&s, "0"));
            let x: i32 = exp.parse().unwrap_or(0);
            range(&format!("{}e{}{:02}", mant, if x < 0 { '-' } else { '+' }, x.unsigned_abs()))
        })
    }

    /// -1, 0 or +1.
    pub fn sign(&self) -> i32 {
        if self.digits.is_empty() { 0 } else if self.neg { -1 } else { 1 }
    }

    fn cmp_abs(&self, e: &Decimal) -> Ordering {
        let da = self.digits.len() as i64 + self.exp;
        let ea = e.digits.len() as i64 + e.exp;
        if da != ea {
            return da.cmp(&ea);
        }
        let (a, b) = (self.digits.as_bytes(), e.digits.as_bytes());
        for i in 0..a.len().max(b.len()) {
            let x = *a.get(i).unwrap_or(&b'0');
            let y = *b.get(i).unwrap_or(&b'0');
            if x != y {
                return x.cmp(&y);
            }
        }
        Ordering::Equal
    }
}

impl Ord for Decimal {
    fn cmp(&self, e: &Decimal) -> Ordering {
        let (ds, es) = (self.sign(), e.sign());
        if ds != es {
            return ds.cmp(&es);
        }
        let c = self.cmp_abs(e);
        if self.neg { c.reverse() } else { c }
    }
}

impl PartialOrd for Decimal {
    fn partial_cmp(&self, e: &Decimal) -> Option<Ordering> {
        Some(self.cmp(e))
    }
}

impl core::fmt::Display for Decimal {
    /// Plain notation without exponent, trailing zeros or plus sign.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        if self.digits.is_empty() {
            return f.write_str("0");
        }
        if self.neg {
            f.write_str("-")?;
        }
        let point = self.digits.len() as i64 + self.exp;
        if self.exp >= 0 {
            f.write_str(&self.digits)?;
            for _ in 0..self.exp {
                f.write_str("0")?;
            }
        } else if point > 0 {
            f.write_str(&self.digits[..point as usize])?;
            f.write_str(".")?;
            f.write_str(&self.digits[point as usize..])?;
        } else {
            f.write_str("0.")?;
            for _ in 0..-point {
                f.write_str("0")?;
            }
            f.write_str(&self.digits)?;
        }
        Ok(())
    }
}
