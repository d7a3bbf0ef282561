//! validators/ohlcv in Rust: the same params, checks, reasons and RFC 8785
//! output as the Go reference validator program (see its package comment).
//! Build: make (Debian's cargo and rustc with libstd-rust-dev-wasm32).
use assay::dec::Decimal;
use assay::json::{self, Value};
use assay::params::{self, Field, Set, Type};
use assay::Round;

assay::validator!(validate);

struct Params {
    symbol: String,
    interval: i64,
    window: i64,
    window_start: Option<i64>,
    window_end: Option<i64>,
    time_unit: String,
    complete: bool,
    max_candles: i64,
    max_bytes: i64,
}

const FIELDS: &[Field] = &[
    Field { name: "symbol", ty: Type::String },
    Field { name: "interval", ty: Type::Int64 },
    Field { name: "window", ty: Type::Int64 },
    Field { name: "window_start", ty: Type::PtrInt64 },
    Field { name: "window_end", ty: Type::PtrInt64 },
    Field { name: "time_unit", ty: Type::String },
    Field { name: "complete", ty: Type::Bool },
    Field { name: "max_candles", ty: Type::Int },
    Field { name: "max_bytes", ty: Type::Int },
];

fn parse_params(raw: &[u8]) -> Result<Params, String> {
    let mut p = Params {
        symbol: String::new(),
        interval: 0,
        window: 0,
        window_start: None,
        window_end: None,
        time_unit: String::new(),
        complete: false,
        max_candles: 0,
        max_bytes: 0,
    };
    for (i, set) in params::decode(raw, "main.params", FIELDS)? {
        match (i, set) {
            (0, Set::Str(s)) => p.symbol = s,
            (5, Set::Str(s)) => p.time_unit = s,
            (6, Set::Bool(b)) => p.complete = b,
            (1, Set::Int(x)) => p.interval = x,
            (2, Set::Int(x)) => p.window = x,
            (3, Set::Int(x)) => p.window_start = Some(x),
            (4, Set::Int(x)) => p.window_end = Some(x),
            (3, _) => p.window_start = None,
            (4, _) => p.window_end = None,
            (7, Set::Int(x)) => p.max_candles = x,
            (8, Set::Int(x)) => p.max_bytes = x,
            _ => {}
        }
    }
    if p.symbol.is_empty() {
        return Err(String::from("params: symbol is required"));
    }
    if !p.time_unit.is_empty() && p.time_unit != "s" && p.time_unit != "ms" {
        return Err(format!("params: time_unit {}, want \"s\" or \"ms\"", json::quote(&p.time_unit)));
    }
    if p.interval < 0 || p.window < 0 || p.max_candles < 0 || p.max_bytes < 0 {
        return Err(String::from("params: interval, window, max_candles and max_bytes must not be negative"));
    }
    if p.window_start.is_none() != p.window_end.is_none() {
        return Err(String::from("params: give both window_start and window_end, or neither"));
    }
    if p.window_start.is_none() && p.window == 0 {
        return Err(String::from("params: give window, or window_start and window_end"));
    }
    if p.time_unit.is_empty() {
        p.time_unit = String::from("s");
    }
    if p.max_candles == 0 {
        p.max_candles = 1000;
    }
    if p.max_bytes == 0 {
        p.max_bytes = 48 << 10;
    }
    Ok(p)
}

fn window_for(p: &Params, r: Round) -> Result<(i64, i64), String> {
    if let (Some(s), Some(e)) = (p.window_start, p.window_end) {
        if e <= s {
            return Err(format!("params: window_end {} is not after window_start {}", e, s));
        }
        return Ok((s, e));
    }
    let now = if p.time_unit == "ms" { r.time_nanos.div_euclid(1_000_000) } else { r.unix() };
    let end = now.div_euclid(p.window) * p.window;
    Ok((end - p.window, end))
}

struct Candle {
    t: i64,
    d: [Decimal; 5], // o, h, l, c, v
}

const NAMES: [&str; 6] = ["t", "o", "h", "l", "c", "v"];

fn decimal(v: &Value) -> Result<Decimal, String> {
    match v {
        Value::Number(f) => Decimal::from_f64(*f),
        Value::String(s) => Decimal::parse(s),
        other => Err(format!("a {}, want a number or a decimal string", other.kind())),
    }
}

fn parse_candle(e: &Value) -> Result<Candle, String> {
    let fields: Vec<&Value> = match e {
        Value::Array(a) => {
            if a.len() != 6 {
                return Err(format!("array of {} values, want [t, o, h, l, c, v]", a.len()));
            }
            a.iter().collect()
        }
        Value::Object(m) => {
            if m.len() != 6 {
                return Err(format!("object with {} members, want t, o, h, l, c, v", m.len()));
            }
            let mut f = Vec::with_capacity(6);
            for name in NAMES {
                match e.get(name) {
                    Some(v) => f.push(v),
                    None => return Err(format!("missing {}", json::quote(name))),
                }
            }
            f
        }
        other => return Err(format!("a {}, want an object or an array", other.kind())),
    };
    if !fields[0].is_integer() {
        return Err(String::from("t is not an integer"));
    }
    let t = match fields[0] {
        Value::Number(f) => *f as i64,
        _ => 0,
    };
    let mut d: [Decimal; 5] = Default::default();
    for i in 0..5 {
        d[i] = decimal(fields[i + 1]).map_err(|err| format!("{}: {}", NAMES[i + 1], err))?;
    }
    Ok(Candle { t, d })
}

fn check_candle(c: &Candle, i: usize, prev: Option<&Candle>, p: &Params, w: (i64, i64)) -> Result<(), String> {
    let [o, h, l, cl, v] = &c.d;
    if c.t < w.0 || c.t >= w.1 {
        return Err(format!("candle {}: t {} outside window [{}, {})", i, c.t, w.0, w.1));
    }
    if let Some(pr) = prev {
        if c.t <= pr.t {
            return Err(format!("candle {}: t {} is not after the previous candle's {}", i, c.t, pr.t));
        }
    }
    if p.interval > 0 && (c.t - w.0) % p.interval != 0 {
        return Err(format!("candle {}: t {} is not on the {} interval grid from {}", i, c.t, p.interval, w.0));
    }
    if l > h {
        return Err(format!("candle {}: low {} > high {}", i, l, h));
    }
    if o < l || o > h {
        return Err(format!("candle {}: open {} outside [low {}, high {}]", i, o, l, h));
    }
    if cl < l || cl > h {
        return Err(format!("candle {}: close {} outside [low {}, high {}]", i, cl, l, h));
    }
    if v.sign() < 0 {
        return Err(format!("candle {}: volume {} is negative", i, v));
    }
    Ok(())
}

fn validate(input: &[u8], raw_params: &[u8], r: Round) -> Result<Vec<u8>, String> {
    let p = parse_params(raw_params)?;
    let w = window_for(&p, r)?;
    if input.len() as i64 > p.max_bytes {
        return Err(format!("input of {} bytes exceeds max_bytes {}", input.len(), p.max_bytes));
    }
    let lim = json::Limits { max_depth: 4, max_values: 7 * p.max_candles as usize + 1 };
    let v = json::parse(input, lim).map_err(|e| format!("input is not valid JSON: {}", e))?;
    let arr = match v {
        Value::Array(a) => a,
        other => return Err(format!("input is a JSON {}, want an array of candles", other.kind())),
    };
    if arr.is_empty() {
        return Err(format!("no candles in window [{}, {})", w.0, w.1));
    }
    if arr.len() as i64 > p.max_candles {
        return Err(format!("{} candles exceed max_candles {}", arr.len(), p.max_candles));
    }
    let mut out: Vec<Candle> = Vec::with_capacity(arr.len());
    for (i, e) in arr.iter().enumerate() {
        let c = parse_candle(e).map_err(|err| format!("candle {}: {}", i, err))?;
        check_candle(&c, i, out.last(), &p, w)?;
        out.push(c);
    }
    if p.complete && p.interval > 0 {
        let want = (w.1 - w.0 + p.interval - 1) / p.interval;
        if out.len() as i64 != want {
            return Err(format!("window has {} candles, want {} (complete)", out.len(), want));
        }
    }
    // {"candles":[[t,"o","h","l","c","v"],...],"interval":..,"symbol":..,"time_unit":..,"window_end":..,"window_start":..}
    let mut b = Vec::with_capacity(input.len());
    b.extend_from_slice(b"{\"candles\":[");
    for (i, c) in out.iter().enumerate() {
        if i > 0 {
            b.push(b',');
        }
        b.push(b'[');
        json::append_number(&mut b, c.t as f64);
        for d in &c.d {
            b.push(b',');
            json::append_string(&mut b, &format!("{}", d));
        }
        b.push(b']');
    }
    b.extend_from_slice(b"],\"interval\":");
    json::append_number(&mut b, p.interval as f64);
    b.extend_from_slice(b",\"symbol\":");
    json::append_string(&mut b, &p.symbol);
    b.extend_from_slice(b",\"time_unit\":");
    json::append_string(&mut b, &p.time_unit);
    b.extend_from_slice(b",\"window_end\":");
    json::append_number(&mut b, w.1 as f64);
    b.extend_from_slice(b",\"window_start\":");
    json::append_number(&mut b, w.0 as f64);
    b.push(b'}');
    Ok(b)
}
