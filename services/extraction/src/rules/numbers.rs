//! Numbers as news writes them ("2.3", "3,000", "twenty-five") and the scale
//! words that follow them ("billion", "bn", "m", "crore"), parsed to exact
//! decimals so "$2.3 billion" normalises to `2300000000`, never `2299999999.9`.

/// Regex fragment: a number in digits or in words (case-insensitive context).
pub const NUMBER: &str = r"(?:\b(?:[0-9]{1,3}(?:,[0-9]{3})+(?:\.[0-9]+)?|[0-9]+(?:\.[0-9]+)?)|\b(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|half\s+a|a\s+dozen|a|an|dozens\s+of|hundreds\s+of|thousands\s+of)\b)";

/// Whether a matched number is an article ("a", "an", "half a") that only
/// counts as a number before a scale word ("a billion dollars").
pub fn needs_scale(number: &str) -> bool {
    let n = number.trim().to_ascii_lowercase();
    n == "a" || n == "an" || n.starts_with("half")
}

/// Regex fragment: a scale word after a number ("2.3 billion", "5m").
pub const SCALE: &str = r"(?:thousand|million|billion|trillion|crore|lakh|bn|mn|tn|m|k)";

/// An exact non-negative decimal: `mantissa / 10^frac_digits`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Decimal {
    mantissa: u128,
    frac_digits: u32,
}

impl Decimal {
    pub fn from_int(n: u128) -> Decimal {
        Decimal {
            mantissa: n,
            frac_digits: 0,
        }
    }

    /// Multiply by 10^k; `None` on overflow.
    pub fn mul_pow10(self, k: u32) -> Option<Decimal> {
        let drop = k.min(self.frac_digits);
        let rest = k - drop;
        let mantissa = self.mantissa.checked_mul(10u128.checked_pow(rest)?)?;
        Some(Decimal {
            mantissa,
            frac_digits: self.frac_digits - drop,
        })
    }

    /// Multiply by a small integer; `None` on overflow.
    pub fn mul_int(self, n: u128) -> Option<Decimal> {
        Some(Decimal {
            mantissa: self.mantissa.checked_mul(n)?,
            frac_digits: self.frac_digits,
        })
    }
}

impl std::fmt::Display for Decimal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let digits = self.mantissa.to_string();
        let fd = self.frac_digits as usize;
        if fd == 0 {
            return f.write_str(&digits);
        }
        let padded = if digits.len() <= fd {
            format!("{}{}", "0".repeat(fd + 1 - digits.len()), digits)
        } else {
            digits
        };
        let (int, frac) = padded.split_at(padded.len() - fd);
        let frac = frac.trim_end_matches('0');
        if frac.is_empty() {
            f.write_str(int)
        } else {
            write!(f, "{int}.{frac}")
        }
    }
}

/// Parses a number written in digits or words (see [`NUMBER`]).
pub fn parse_number(text: &str) -> Option<Decimal> {
    let t = text.trim();
    if t.starts_with(|c: char| c.is_ascii_digit() || c == '.') {
        return parse_digits(t);
    }
    let lower = t.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    match words.as_slice() {
        ["a" | "an"] => return Some(Decimal::from_int(1)),
        ["half", "a"] => {
            return Some(Decimal {
                mantissa: 5,
                frac_digits: 1,
            });
        }
        ["a", "dozen"] => return Some(Decimal::from_int(12)),
        // Vague plurals have no single value.
        [_, "of"] => return None,
        _ => {}
    }
    let mut total = 0u128;
    for part in lower.split('-') {
        total += word_value(part)?;
    }
    Some(Decimal::from_int(total))
}

fn parse_digits(t: &str) -> Option<Decimal> {
    let mut mantissa: u128 = 0;
    let mut frac_digits = 0u32;
    let mut seen_dot = false;
    for c in t.chars() {
        match c {
            ',' => {}
            '.' if !seen_dot => seen_dot = true,
            '0'..='9' => {
                mantissa = mantissa
                    .checked_mul(10)?
                    .checked_add(u128::from(c as u8 - b'0'))?;
                if seen_dot {
                    frac_digits += 1;
                }
            }
            _ => return None,
        }
    }
    Some(Decimal {
        mantissa,
        frac_digits,
    })
}

fn word_value(w: &str) -> Option<u128> {
    const SMALL: [&str; 20] = [
        "zero",
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
    ];
    const TENS: [&str; 8] = [
        "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
    ];
    if let Some(i) = SMALL.iter().position(|s| *s == w) {
        return Some(i as u128);
    }
    TENS.iter()
        .position(|s| *s == w)
        .map(|i| (i as u128 + 2) * 10)
}

/// The power of ten of a scale word ("billion" → 9, "crore" → 7).
pub fn scale_exponent(word: &str) -> Option<u32> {
    match word.to_ascii_lowercase().as_str() {
        "k" | "thousand" => Some(3),
        "lakh" => Some(5),
        "m" | "mn" | "million" => Some(6),
        "crore" => Some(7),
        "bn" | "billion" => Some(9),
        "tn" | "trillion" => Some(12),
        _ => None,
    }
}

/// Number and optional scale word combined ("2.3", Some("billion")).
pub fn scaled(number: &str, scale: Option<&str>) -> Option<Decimal> {
    let n = parse_number(number)?;
    match scale {
        Some(s) => n.mul_pow10(scale_exponent(s)?),
        None => Some(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(n: &str, sc: Option<&str>) -> String {
        scaled(n, sc).map(|d| d.to_string()).unwrap_or_default()
    }

    #[test]
    fn digits_and_scales() {
        assert_eq!(s("2.3", Some("billion")), "2300000000");
        assert_eq!(s("3,000", None), "3000");
        assert_eq!(s("1.25", Some("m")), "1250000");
        assert_eq!(s("0.5", None), "0.5");
        assert_eq!(s("2.50", None), "2.5");
        assert_eq!(s(".5", None), "0.5");
        assert_eq!(s("200", Some("crore")), "2000000000");
        assert_eq!(s("1.2", Some("bn")), "1200000000");
        assert_eq!(s("1.23456", Some("k")), "1234.56");
    }

    #[test]
    fn words() {
        assert_eq!(s("ten", None), "10");
        assert_eq!(s("twenty-five", None), "25");
        assert_eq!(s("Five", Some("million")), "5000000");
        assert_eq!(s("a", Some("billion")), "1000000000");
        assert_eq!(s("half a", Some("million")), "500000");
        assert_eq!(s("a dozen", None), "12");
        assert_eq!(scaled("dozens of", None), None);
    }

    #[test]
    fn overflow_is_none() {
        assert_eq!(
            scaled("99999999999999999999999999999999999999999", None),
            None
        );
        assert_eq!(
            scaled("340282366920938463463374607431768211455", Some("trillion")),
            None
        );
    }
}
