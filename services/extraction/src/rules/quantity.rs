//! QUANTITY: "10 km", "3,000 tonnes", "50 miles", "20 kg", "3 million
//! barrels", "40 degrees". The value is `<number> <canonical unit>`.

use std::sync::LazyLock;

use regex::Regex;

use super::RuleSpan;
use super::numbers::{NUMBER, needs_scale, scaled};
use crate::EntityType;

/// Units, longest alternatives first. Deliberately absent: bare "m", "g",
/// "t" and "in", which are far more often other words than units in news.
const UNIT: &str = r"(?:km/h|kph|mph|sq\.?\s?km|sq\.?\s?mi(?:les?)?|square\s+(?:kilomet(?:re|er)s?|miles?|met(?:re|er)s?|feet)|cubic\s+met(?:re|er)s?|kilomet(?:re|er)s?|km|miles?|met(?:re|er)s?|centimet(?:re|er)s?|cm|millimet(?:re|er)s?|mm|feet|foot|ft|inches|inch|kilograms?|kilos?|kg|grams?|tonnes?|tons?|pounds?|lbs?|ounces?|oz|barrels?|bbl|litres?|liters?|gallons?|hectares?|ha|acres?|megawatts?|MW|gigawatts?|GW|kilowatt[\s-]hours?|kWh|terawatt[\s-]hours?|TWh|knots?|°\s?[CF]\b|°|degrees?(?:\s+(?:Celsius|Fahrenheit|centigrade))?)";

static QUANTITY: LazyLock<Regex> = LazyLock::new(|| {
    super::rule_regex(&format!(
        r"(?i)(?P<num>{NUMBER})(?:\s(?P<scale>thousand|million|billion)\b)?(?:\s|-)?(?:(?P<unit>{UNIT})(?:\b|$)|(?P<sym>°))"
    ))
});

pub(super) fn find(text: &str, out: &mut Vec<RuleSpan>) {
    for c in QUANTITY.captures_iter(text) {
        let (Some(m), Some(num)) = (c.get(0), c.name("num")) else {
            continue;
        };
        let unit = c.name("unit").or_else(|| c.name("sym"));
        let Some(unit) = unit else { continue };
        let scale = c.name("scale").map(|s| s.as_str());
        if needs_scale(num.as_str()) && scale.is_none() {
            continue;
        }
        // "°" ends in a non-word char, so the regex cannot require a word
        // boundary after it; check the unit ends the word.
        let end = m.end();
        if text[end..]
            .chars()
            .next()
            .is_some_and(char::is_alphanumeric)
            && !unit.as_str().ends_with('°')
        {
            continue;
        }
        let value =
            scaled(num.as_str(), scale).map(|d| format!("{d} {}", canonical(unit.as_str())));
        out.push(RuleSpan {
            start: m.start(),
            end,
            entity_type: EntityType::Quantity,
            value,
        });
    }
}

fn canonical(unit: &str) -> &'static str {
    let u = unit.to_ascii_lowercase();
    let u = u.split_whitespace().collect::<Vec<_>>().join(" ");
    let u = u.as_str();
    if u.starts_with("sq") || u.starts_with("square") {
        return if u.contains("mi") {
            "mi2"
        } else if u.contains("feet") {
            "ft2"
        } else if u.contains("k") {
            "km2"
        } else {
            "m2"
        };
    }
    if u.starts_with("cubic") {
        return "m3";
    }
    if u.starts_with('°') {
        return match u.chars().last() {
            Some('c') => "degC",
            Some('f') => "degF",
            _ => "deg",
        };
    }
    if u.starts_with("degree") {
        return if u.contains("fahrenheit") {
            "degF"
        } else if u.contains("celsius") || u.contains("centigrade") {
            "degC"
        } else {
            "deg"
        };
    }
    match u {
        "km/h" | "kph" => "km/h",
        "mph" => "mph",
        "km" => "km",
        "cm" => "cm",
        "mm" => "mm",
        "ft" | "feet" | "foot" => "ft",
        "inch" | "inches" => "in",
        "kg" => "kg",
        "oz" => "oz",
        "bbl" => "bbl",
        "ha" => "ha",
        "mw" => "MW",
        "gw" => "GW",
        "kwh" => "kWh",
        "twh" => "TWh",
        _ if u.starts_with("kilomet") => "km",
        _ if u.starts_with("centimet") => "cm",
        _ if u.starts_with("millimet") => "mm",
        _ if u.starts_with("met") => "m",
        _ if u.starts_with("mile") => "mi",
        _ if u.starts_with("kilo") && u.contains("hour") => "kWh",
        _ if u.starts_with("terawatt") => "TWh",
        _ if u.starts_with("kilo") => "kg",
        _ if u.starts_with("gram") => "g",
        _ if u.starts_with("ton") => "t",
        _ if u.starts_with("pound") || u.starts_with("lb") => "lb",
        _ if u.starts_with("ounce") => "oz",
        _ if u.starts_with("barrel") => "bbl",
        _ if u.starts_with("lit") => "l",
        _ if u.starts_with("gallon") => "gal",
        _ if u.starts_with("hectare") => "ha",
        _ if u.starts_with("acre") => "acre",
        _ if u.starts_with("megawatt") => "MW",
        _ if u.starts_with("gigawatt") => "GW",
        _ if u.starts_with("knot") => "kn",
        _ => "unit",
    }
}

#[cfg(test)]
mod tests {
    use super::super::recognize;
    use crate::EntityType;

    fn qty(text: &str) -> Vec<(String, Option<String>)> {
        recognize(text, None)
            .into_iter()
            .filter(|s| s.entity_type == EntityType::Quantity)
            .map(|s| (text[s.start..s.end].to_string(), s.value))
            .collect()
    }

    #[test]
    fn forms() {
        let cases = [
            ("a 10 km march", "10 km", "10 km"),
            ("a 10-km stretch", "10-km", "10 km"),
            ("ran 10km today", "10km", "10 km"),
            ("3,000 tonnes of grain", "3,000 tonnes", "3000 t"),
            ("50 miles away", "50 miles", "50 mi"),
            ("20 kg of", "20 kg", "20 kg"),
            (
                "3 million barrels a day",
                "3 million barrels",
                "3000000 bbl",
            ),
            ("hit 40 degrees", "40 degrees", "40 deg"),
            ("hit 40 degrees Celsius", "40 degrees Celsius", "40 degC"),
            ("hit 40°C", "40°C", "40 degC"),
            ("hit 104 °F", "104 °F", "104 degF"),
            ("rotated 90° left", "90°", "90 deg"),
            (
                "5,000 square kilometres",
                "5,000 square kilometres",
                "5000 km2",
            ),
            ("two gigawatts", "two gigawatts", "2 GW"),
            ("at 120 km/h", "120 km/h", "120 km/h"),
            ("200 pounds of", "200 pounds", "200 lb"),
            ("twelve hectares", "twelve hectares", "12 ha"),
        ];
        for (text, span, value) in cases {
            assert_eq!(qty(text), vec![(span.into(), Some(value.into()))], "{text}");
        }
    }

    #[test]
    fn non_matches() {
        assert!(qty("10 people").is_empty());
        assert!(qty("5m euros").is_empty());
        assert!(qty("met 5 ministers").is_empty());
        assert!(qty("3 kmart").is_empty());
        assert!(qty("ten in Berlin").is_empty());
        assert!(qty("a mile").is_empty());
        assert!(qty("often miles").is_empty());
    }
}
