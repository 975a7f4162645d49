//! Simulation time: seconds as `f64`, and the two text forms planners write —
//! clock times (`"08:30"`, `"24:00"`) and durations (`"20s"`, `"15m"`, `"1h30m"`, plain seconds).
//!
//! Owns parsing and formatting only; it knows nothing of scenarios or the engine.

/// Seconds in one day.
pub const DAY_S: f64 = 86_400.0;

/// Parses a duration such as `"20s"`, `"5m"`, `"1h30m"`, `"1.5h"`, `"90"` (plain seconds).
///
/// Returns seconds. Components are `h`, `m` and `s` in that order, each optional, each a
/// non-negative decimal number. Errors say what was expected.
pub fn parse_duration(text: &str) -> Result<f64, String> {
    let s = text.trim();
    let expected = || format!("invalid duration {text:?}: expected seconds or a form like \"20s\", \"15m\", \"1h30m\"");
    if s.is_empty() {
        return Err(expected());
    }
    if let Ok(v) = s.parse::<f64>() {
        return if v.is_finite() && v >= 0.0 { Ok(v) } else { Err(expected()) };
    }
    let mut total = 0.0;
    let mut number = String::new();
    let mut last_unit = 0u8; // 0 none, 1 h, 2 m, 3 s: units must come in this order
    for c in s.chars() {
        if c.is_ascii_digit() || c == '.' {
            number.push(c);
            continue;
        }
        let (rank, factor) = match c {
            'h' => (1, 3600.0),
            'm' => (2, 60.0),
            's' => (3, 1.0),
            _ => return Err(expected()),
        };
        if rank <= last_unit || number.is_empty() {
            return Err(expected());
        }
        let v: f64 = number.parse().map_err(|_| expected())?;
        total += v * factor;
        number.clear();
        last_unit = rank;
    }
    if !number.is_empty() || !total.is_finite() {
        return Err(expected());
    }
    Ok(total)
}

/// Parses a clock time `"HH:MM"` or `"HH:MM:SS"` into seconds since midnight.
///
/// `"24:00"` is accepted (the end of the day); hours above 24 are rejected.
pub fn parse_clock(text: &str) -> Result<f64, String> {
    let expected = || format!("invalid clock time {text:?}: expected \"HH:MM\" such as \"08:30\"");
    let parts: Vec<&str> = text.trim().split(':').collect();
    if !(2..=3).contains(&parts.len()) {
        return Err(expected());
    }
    let mut fields = [0u32; 3];
    for (slot, p) in fields.iter_mut().zip(&parts) {
        if p.is_empty() || p.len() > 2 || !p.bytes().all(|b| b.is_ascii_digit()) {
            return Err(expected());
        }
        *slot = p.parse().map_err(|_| expected())?;
    }
    let [h, m, sec] = fields;
    if m >= 60 || sec >= 60 || h > 24 || (h == 24 && (m > 0 || sec > 0)) {
        return Err(expected());
    }
    Ok(f64::from(h * 3600 + m * 60 + sec))
}

/// Formats seconds since midnight as `"HH:MM"` (or `"HH:MM:SS"` when not on a minute).
pub fn format_clock(seconds_of_day: f64) -> String {
    let total = seconds_of_day.round().max(0.0) as u64;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    if s == 0 { format!("{h:02}:{m:02}") } else { format!("{h:02}:{m:02}:{s:02}") }
}

/// Formats a duration in seconds compactly: `"20s"`, `"15m"`, `"1h30m"`.
pub fn format_duration(seconds: f64) -> String {
    let total = seconds.round().max(0.0) as u64;
    let (h, m, s) = (total / 3600, (total / 60) % 60, total % 60);
    let mut out = String::new();
    if h > 0 {
        out.push_str(&format!("{h}h"));
    }
    if m > 0 {
        out.push_str(&format!("{m}m"));
    }
    if s > 0 || out.is_empty() {
        out.push_str(&format!("{s}s"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("20s"), Ok(20.0));
        assert_eq!(parse_duration("5m"), Ok(300.0));
        assert_eq!(parse_duration("1h30m"), Ok(5400.0));
        assert_eq!(parse_duration("1h30m15s"), Ok(5415.0));
        assert_eq!(parse_duration("1.5h"), Ok(5400.0));
        assert_eq!(parse_duration("90"), Ok(90.0));
        assert_eq!(parse_duration(" 2.5 "), Ok(2.5));
        for bad in ["", "s", "5x", "30m1h", "-3s", "5m5m", "1h 30m", "nan", "1e400"] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should fail");
        }
    }

    #[test]
    fn clocks() {
        assert_eq!(parse_clock("08:30"), Ok(30_600.0));
        assert_eq!(parse_clock("00:00"), Ok(0.0));
        assert_eq!(parse_clock("24:00"), Ok(DAY_S));
        assert_eq!(parse_clock("7:05:09"), Ok(25_509.0));
        for bad in ["8", "25:00", "24:01", "08:60", "08:3a", "", "08:", "123:00"] {
            assert!(parse_clock(bad).is_err(), "{bad:?} should fail");
        }
        assert_eq!(format_clock(30_600.0), "08:30");
        assert_eq!(format_clock(25_509.0), "07:05:09");
        assert_eq!(format_duration(5400.0), "1h30m");
        assert_eq!(format_duration(20.0), "20s");
        assert_eq!(format_duration(0.0), "0s");
    }
}
