//! Page furniture: the words of a web page's navigation, buttons and
//! section labels that survive cleaning ("Live", "Newsletter", "Top
//! Stories"). Capitalised and often alone on a line, they look like names
//! to the tagger; they are never entities.

use crate::tagger::NameSpan;

/// Whole spans that are page furniture, compared case-insensitively.
const FURNITURE: &[&str] = &[
    "advertisement",
    "breaking",
    "breaking news",
    "comments",
    "follow",
    "follow us",
    "home",
    "key points",
    "latest",
    "latest news",
    "listen",
    "live",
    "live updates",
    "menu",
    "more",
    "most read",
    "most popular",
    "newsletter",
    "newsletters",
    "opinion",
    "read more",
    "related",
    "related stories",
    "share",
    "share this article",
    "sign up",
    "subscribe",
    "top stories",
    "trending",
    "video",
    "watch",
    "watch live",
];

/// Common nouns written in capitals: never a name on their own.
const COMMON_ACRONYMS: &[&str] = &[
    "LNG", "LPG", "GDP", "GNP", "ICBM", "ICBMs", "IRBM", "SLBM", "CEO", "CEOs", "CFO", "COO", "AI",
    "EV", "EVs", "VAT", "IPO", "ETF", "NGO", "NGOs", "MP", "MPs", "MEP", "MEPs", "UAV", "UAVs",
    "GMT", "UTC", "CPI", "PMI", "HQ", "TV", "PDF", "SUV", "SUVs", "DNA", "FAQ", "Q&A",
];

/// Whether the span's text is page furniture or a common noun in capitals.
pub fn is_furniture(text: &str) -> bool {
    let t = text.trim();
    t.len() <= 20
        && (FURNITURE.iter().any(|f| f.eq_ignore_ascii_case(t)) || COMMON_ACRONYMS.contains(&t))
}

/// Drops the spans that are page furniture, and spans without a capital
/// letter or digit ("the interior ministry"): a name is written as one.
pub fn drop_furniture(text: &str, names: &mut Vec<NameSpan>) {
    names.retain(|n| {
        let t = &text[n.start..n.end];
        !is_furniture(t) && t.chars().any(|c| c.is_uppercase() || c.is_ascii_digit())
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn furniture_words_are_not_names() {
        assert!(is_furniture("Live"));
        assert!(is_furniture("Top Stories"));
        assert!(is_furniture("NEWSLETTER"));
        assert!(!is_furniture("Human Rights Watch"));
        assert!(!is_furniture("Livorno"));
        assert!(is_furniture("LNG"));
        assert!(!is_furniture("NATO"));
    }
}
