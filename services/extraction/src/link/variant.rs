//! Spelling-variant keys: one key for the ways outlets transliterate the same
//! name. Applied to a folded token (see [`super::fold`]).
//!
//! The rules collapse the differences transliteration systems disagree on —
//! y/i/j, kh/h, ks/x, dh/d, ph/f, w/v, tz/ts, q/k, c/k, ou/u, an initial g/k,
//! doubled letters, and -iy/-yy/-yi/-ij endings — so Gaddafi, Qaddafi and
//! Kadhafi share `kadafi`; Navalny, Navalnyy and Navalnyi share `navalni`;
//! Yury, Yuri, Iouri and Jurij share `iuri`; Aleksei, Alexey and Alexei share
//! `aleksei`. Keys are for matching only, never shown.

/// The variant keys of a whole name's folded tokens, one per token.
///
/// Romanisation is a property of the name as one outlet wrote it, not of a
/// single token: "Iouri Chapovtchouk" is French-derived throughout, so the
/// French reading (see [`is_french_style`]) applies to every token once any
/// token shows it. German and Polish readings ([`is_german_style`],
/// [`is_polish_style`]) are judged on the last token, the surname in news
/// order, so a given name ("Andrew") cannot change how a surname alone, as a
/// second reference writes it, is keyed.
pub fn token_keys(tokens: &[&str]) -> Vec<String> {
    token_keys_with(tokens, false)
}

/// [`token_keys`], told whether the name as written had letters only
/// Polish writes (ł, ż, ś, ć, ń…), which folding removes: then a Polish
/// reading applies even without a Polish digraph (Połozow).
pub fn token_keys_with(tokens: &[&str], polish_letters: bool) -> Vec<String> {
    let last = tokens.last().copied().unwrap_or("");
    let reading: fn(&str) -> String = if tokens.iter().any(|t| is_french_style(t)) {
        anglicise_french
    } else if polish_letters || is_polish_style(last) {
        anglicise_polish
    } else if is_german_style(last) {
        anglicise_german
    } else {
        str::to_string
    };
    tokens
        .iter()
        .map(|t| variant_key(&ukrainian_h(&reading(t))))
        .collect()
}

/// Endings of Russian surnames (and patronymics) as German romanises them:
/// -ow, -owa, -ew, -ewa, -owitsch, -owna.
const GERMAN_ENDINGS: &[&str] = &["ow", "owa", "ew", "ewa", "itsch", "owna", "ewna"];

/// Whether a folded surname shows German romanisation of a Cyrillic name:
/// "tsch" for Ч (Tkatschuk, Lewtschenko), "sch" beside the w or z no
/// English spelling writes (Schwez), or a -ow / -ew ending (Suchorukow,
/// Kusnezow).
pub fn is_german_style(token: &str) -> bool {
    token.len() > 3
        && (token.contains("tsch")
            || token.contains("sch") && (token.contains('w') || token.contains('z'))
            || GERMAN_ENDINGS.iter().any(|e| token.ends_with(e)))
}

/// Reads a German-romanised token the English way: "schtsch" → "shch"
/// (Щ), "tsch" → "ch" (Ч), "sch" → "sh" (Ш), other "ch" → "kh" (Х), "z"
/// → "ts" (Ц), and an "s" between vowels → "z" (З: Polosow = Polozov).
pub fn anglicise_german(token: &str) -> String {
    let vowel =
        |b: &[u8], i: usize| matches!(b.get(i), Some(b'a' | b'e' | b'i' | b'o' | b'u' | b'y'));
    rewrite(token, |b, i| {
        let rest = &b[i..];
        Some(if rest.starts_with(b"schtsch") {
            ("shch", 7)
        } else if rest.starts_with(b"tsch") {
            ("ch", 4)
        } else if rest.starts_with(b"sch") {
            ("sh", 3)
        } else if rest.starts_with(b"ch") {
            ("kh", 2)
        } else if b[i] == b'z' {
            ("ts", 1)
        } else if b[i] == b's' && i > 0 && vowel(b, i - 1) && vowel(b, i + 1) {
            ("z", 1)
        } else {
            return None;
        })
    })
}

/// `token` with the spellings `rule` finds replaced, left to right: at
/// each byte, `rule` gives what to write and how many bytes it read, or
/// None to copy one char as it is.
fn rewrite(token: &str, rule: impl Fn(&[u8], usize) -> Option<(&'static str, usize)>) -> String {
    let b = token.as_bytes();
    let mut out = String::with_capacity(token.len() + 4);
    let mut i = 0;
    while i < b.len() {
        if let Some((add, skip)) = rule(b, i) {
            out.push_str(add);
            i += skip;
        } else {
            let ch = token[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// Whether a folded surname shows Polish romanisation of a Cyrillic name:
/// the digraphs "sz" (Ш) or "cz" (Ч), or -cow / -cew for -цов / -цев
/// (Woroncow), which no other system writes.
pub fn is_polish_style(token: &str) -> bool {
    token.contains("sz")
        || token.contains("cz")
        || ["cow", "cowa", "cew", "cewa"]
            .iter()
            .any(|e| token.ends_with(e))
}

/// Reads a Polish-romanised token the English way: "szcz" → "shch", "sz"
/// → "sh", "cz" → "ch", "rz" → "zh", "ch" → "kh", another "c" → "ts" (Ц),
/// and the "i" that marks a soft consonant before "e" dropped (Siergiej =
/// Sergej, Kuzniecow = Kuznetsov).
pub fn anglicise_polish(token: &str) -> String {
    rewrite(token, |b, i| {
        let rest = &b[i..];
        Some(if rest.starts_with(b"szcz") {
            ("shch", 4)
        } else if rest.starts_with(b"sz") {
            ("sh", 2)
        } else if rest.starts_with(b"cz") {
            ("ch", 2)
        } else if rest.starts_with(b"rz") {
            ("zh", 2)
        } else if rest.starts_with(b"ch") {
            ("kh", 2)
        } else if b[i] == b'c' {
            ("ts", 1)
        } else if rest.starts_with(b"ie")
            && i > 0
            && !matches!(b[i - 1], b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
        {
            ("e", 2)
        } else {
            return None;
        })
    })
}

/// Ukrainian surnames write Г as H where Russian writes G (Havrylenko /
/// Gavrilenko, Humeniuk / Gumenyuk): a Ukrainian-looking surname's opening
/// "h" before a vowel is read as "g" (which every key then reads as k).
fn ukrainian_h(token: &str) -> String {
    const ENDINGS: &[&str] = &["enko", "uk", "iuk", "yuk", "chuk"];
    let b = token.as_bytes();
    if b.len() > 4
        && b[0] == b'h'
        && matches!(b[1], b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
        && ENDINGS.iter().any(|e| token.ends_with(e))
    {
        return format!("g{}", &token[1..]);
    }
    token.to_string()
}

/// Whether a folded token shows French-derived romanisation of a Cyrillic
/// (or Arabic) name, as French-language and pan-European outlets write it:
/// "tch" for Ч (Gorbatchev, Chevtchenko, Chapovtchouk) or an initial "iou"
/// for Ю (Iouri, Iouchtchenko). English-style romanisation never writes
/// either, so they are safe markers; without one, "ch" keeps its English
/// reading (Ч: Chernenko, or Wade-Giles "Chao").
pub fn is_french_style(token: &str) -> bool {
    token.contains("tch")
        || token.starts_with("iou")
        || token.contains("ou") && SLAVIC_ENDINGS.iter().any(|e| token.ends_with(e))
}

/// Endings of Russian and Ukrainian surnames as French writes them; with an
/// "ou" (У), they mark a French romanisation (Ouchakov, Choubine).
const SLAVIC_ENDINGS: &[&str] = &[
    "ov", "ova", "ev", "eva", "in", "ine", "ina", "ski", "skaia", "enko", "ouk", "itch",
];

/// Rewrites French-derived digraphs into their English-style equivalents:
/// "chtch" → "shch" (Щ), "tch" → "ch" (Ч), any other "ch" → "sh" (Ш, as in
/// Chapovtchouk = Shapovchuk, Chevardnadze = Shevardnadze), "gu" before
/// e/i → "g" (Guennadi = Gennadi) and "j" → "zh" (Ж). "ou" → "u" and
/// "ï" → "i" are handled by every key already. Only for tokens of names [`is_french_style`] marks.
pub fn anglicise_french(token: &str) -> String {
    rewrite(token, |b, i| {
        let rest = &b[i..];
        if rest.starts_with(b"tch") {
            Some(("ch", 3))
        } else if rest.starts_with(b"ch") {
            Some(("sh", 2))
        } else if rest.starts_with(b"gu") && matches!(b.get(i + 2), Some(b'e' | b'i')) {
            Some(("g", 2))
        } else if b[i] == b'j' {
            // Ж: Jourakivsky = Zhurakivsky, Joukov = Zhukov.
            Some(("zh", 1))
        } else {
            None
        }
    })
}

/// "qu" before a vowel is /kv/ or /kw/ (Lindquist = Lindqvist, Quentin) and
/// keys as "kv", like w → v; before a consonant the u is a vowel (Qudaimi =
/// Kudaimi) and stays.
fn qu_before_vowel(token: &str) -> String {
    let b = token.as_bytes();
    let mut out = String::with_capacity(token.len() + 1);
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(b"qu")
            && matches!(b.get(i + 2), Some(b'a' | b'e' | b'i' | b'o' | b'y'))
        {
            out.push_str("kv");
            i += 2;
        } else {
            let ch = token[i..].chars().next().unwrap_or(' ');
            out.push(ch);
            i += ch.len_utf8();
        }
    }
    out
}

/// The variant key of one folded token.
pub fn variant_key(token: &str) -> String {
    let mut s: String = if token.contains("qu") {
        qu_before_vowel(token)
    } else {
        token.to_string()
    };
    // Ukrainian Г before r or l is written H (Hryhorii, Hlib), Russian G
    // (Grigory, Gleb); initial g is read as k below, so H is too.
    if (s.starts_with("hr") || s.starts_with("hl")) && s.len() > 3 {
        s.replace_range(0..1, "k");
    }
    // Ц in the Ukrainian -енко ending, as English (ts), German (z) and
    // Polish or Czech (c, ć) write it: Hrytsenko, Hryzenko, Hrycenko.
    for (from, to) in [("zenko", "tsenko"), ("cenko", "tsenko")] {
        if s.ends_with(from) && s.len() > from.len() + 1 {
            let at = s.len() - from.len();
            s.replace_range(at.., to);
        }
    }
    // Multi-letter spellings first, longest first.
    for (from, to) in [
        ("shch", "sh"),
        ("sch", "sh"),
        // Ж and Ш: German writes both "sch" (Schytomyr = Zhytomyr).
        ("zh", "sh"),
        ("tch", "ch"),
        ("kh", "h"),
        ("dh", "d"),
        ("gh", "g"),
        ("ph", "f"),
        ("th", "t"),
        ("ck", "k"),
        ("tz", "ts"),
        ("ou", "u"),
        // Noor / Nour / Nur, Mahmood / Mahmoud.
        ("oo", "u"),
        ("x", "ks"),
        ("w", "v"),
        ("q", "k"),
        ("j", "y"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    let mut out = String::with_capacity(s.len());
    let bytes: Vec<char> = s.chars().collect();
    for (i, &c) in bytes.iter().enumerate() {
        let next = bytes.get(i + 1).copied();
        let mapped = match c {
            'y' => 'i',
            // c before h stays (ch); before e, i or y it sounds s (Kacem =
            // Kassem, Marcel); otherwise k.
            'c' if matches!(next, Some('e' | 'i' | 'y')) => 's',
            'c' if next != Some('h') => 'k',
            'g' if i == 0 => 'k',
            _ => c,
        };
        if out.ends_with(mapped) {
            continue; // doubled letters, and ii from -iy/-yy/-ij endings
        }
        out.push(mapped);
    }
    // Yevgeny / Evgeny, Yelena / Elena: an initial "ie" is just "e".
    if out.len() > 3 && out.starts_with("ie") {
        out.remove(0);
    }
    // -off / -ov (Romanoff / Romanov).
    if out.len() > 4 && out.ends_with("of") {
        out.pop();
        out.push('v');
    }
    out
}

/// The variant key of a whole folded name: each token's key, space-separated.
pub fn name_key(folded: &str) -> String {
    let tokens: Vec<&str> = folded.split_whitespace().collect();
    token_keys(&tokens).join(" ")
}

/// A coarse phonetic skeleton of a variant key: first letter, then consonants
/// without h, repeats collapsed. "timoshenko" → "tmsnk". Used to retrieve
/// candidates for misspellings that differ in vowels.
pub fn skeleton(key: &str) -> String {
    let mut out = String::new();
    for (i, c) in key.chars().enumerate() {
        if c == ' ' {
            continue;
        }
        if i > 0 && matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'h') {
            continue;
        }
        if out.ends_with(c) {
            continue;
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::link::fold::fold;

    fn key(s: &str) -> String {
        name_key(&fold(s))
    }

    fn same(group: &[&str]) {
        let k = key(group[0]);
        for g in group {
            assert_eq!(key(g), k, "{g} vs {}", group[0]);
        }
    }

    #[test]
    fn q_k_g_dh() {
        same(&["Gaddafi", "Qaddafi", "Kadhafi", "Gadhafi", "Kaddafi"]);
    }

    #[test]
    fn y_i_j_and_endings() {
        same(&["Navalny", "Navalnyy", "Navalnyi", "Navalniy", "Навальный"]);
        same(&["Tymoshenko", "Timoshenko", "Тимошенко"]);
        same(&["Yury", "Yuri", "Iouri", "Jurij", "Youri", "Юрий"]);
        same(&[
            "Zelensky",
            "Zelenskyy",
            "Zelenskiy",
            "Zelenskyi",
            "Зеленський",
        ]);
        same(&["Dmitriyev", "Dmitrijev", "Dmitriev"]);
    }

    #[test]
    fn ks_x_and_ei() {
        same(&["Aleksei", "Alexey", "Alexei", "Aleksej", "Алексей"]);
        same(&["Aleksandr", "Alexandr"]);
    }

    #[test]
    fn kh_h_ph_f_w_v_tz_ts_ou_u() {
        same(&["Khodorkovsky", "Hodorkovsky"]);
        same(&["Rustem Philippov", "Rustem Filipov"]);
        same(&["Wolkow", "Volkov", "Volkoff"]);
        same(&["Kuznetz", "Kuznets"]);
        same(&["Yevgeny", "Evgeny", "Evgeniy", "Yevgeniy", "Евгений"]);
        same(&["Gorbachev", "Gorbatchev"]);
    }

    #[test]
    fn french_derived_romanisation() {
        same(&[
            "Iouri Chapovtchouk",
            "Yuriy Shapovchuk",
            "Yurii Shapovchuk",
            "Юрій Шаповчук",
        ]);
        same(&["Chapovtchouk", "Shapovchuk"]);
        same(&["Chevtchenko", "Shevchenko", "Шевченко"]);
        same(&["Khrouchtchev", "Khrushchev", "Хрущев"]);
        same(&["Gorbatchev", "Gorbachev"]);
        same(&["Alexeï Kolobiov", "Alexei Kolobiov"]);
        // Without a French marker "ch" keeps its English reading.
        assert_ne!(key("Chernenko"), key("Shernenko"));
        assert_eq!(key("Chao"), "chao");
    }

    #[test]
    fn german_romanisation() {
        same(&["Arkadi Suchorukow", "Arkadi Sukhorukov"]);
        same(&["Witalij Tkatschuk", "Vitaliy Tkachuk"]);
        same(&["Pawel Woronzow", "Pavel Vorontsov"]);
        same(&["Walerija Chlebnikowa", "Valeriya Khlebnikova"]);
        same(&["Fjodor Polosow", "Fyodor Polozov"]);
        same(&["Andrij Schwez", "Andrij Shvets"]);
        same(&["Olexandra Lewtschenko", "Oleksandra Levchenko"]);
        // A given name does not mark a name German: "Andrew" keeps "Chase".
        assert_eq!(
            key("Andrew Chase").split(' ').nth(1),
            Some(key("Chase").as_str())
        );
    }

    #[test]
    fn polish_romanisation() {
        same(&["Siergiej Kuzniecow", "Sergej Kuznetsov"]);
        same(&["Pawieł Woroncow", "Pavel Vorontsov"]);
        same(&["Swietłana Gładyszewa", "Svetlana Gladysheva"]);
        same(&["Julija Charczenko", "Yuliya Kharchenko"]);
        same(&["Fiodor Mieszczerjakow", "Fyodor Meshcheryakov"]);
        same(&["Ostap Jaroszenko", "Ostap Yaroshenko"]);
    }

    #[test]
    fn polish_letters_mark_a_polish_name() {
        let polish = |s: &str| {
            let f = fold(s);
            let t: Vec<&str> = f.split_whitespace().collect();
            token_keys_with(&t, true).join(" ")
        };
        assert_eq!(polish("Fiodor Połozow"), key("Fyodor Polozov"));
        assert_eq!(key("Fjodor Polosow"), key("Fyodor Polozov"));
    }

    #[test]
    fn ukrainian_h_and_french_j() {
        same(&["Havrylenko", "Gavrilenko", "Hawrylenko"]);
        same(&["Humeniuk", "Gumenyuk"]);
        same(&["Iouri Jourakivsky", "Yuri Zhurakivsky"]);
        same(&["Vadim Ouchakov", "Vadim Ushakov"]);
        // English names keep their h.
        assert_ne!(key("Harris"), key("Garris"));
    }

    #[test]
    fn qu_before_a_vowel() {
        same(&["Lindquist", "Lindqvist"]);
        same(&["Qudaimi", "Kudaimi", "Koudaimi"]);
        same(&["Noor", "Nour", "Nur"]);
        same(&["Kacem", "Kassem"]);
        same(&["Schytomyr", "Zhytomyr", "Shytomyr"]);
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(key("Wang Yi"), key("Wang Huning"));
        assert_ne!(key("Ann"), key("John"));
        assert_ne!(key("Medvedev"), key("Mediev"));
    }

    #[test]
    fn skeletons() {
        assert_eq!(skeleton(&key("Timoshenko")), "tmsnk");
        assert_eq!(skeleton(&key("Mohammed")), skeleton(&key("Muhammad")));
    }
}
