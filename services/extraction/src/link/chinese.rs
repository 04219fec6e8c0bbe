//! Chinese personal names, written in Hanyu Pinyin ("Zhao Mingde") or in
//! Wade-Giles ("Chao Ming-te", still the house style of many Taiwanese and
//! older outlets).
//!
//! The two systems spell the same syllables differently, mostly in a
//! regular way: Wade-Giles writes the unaspirated consonants with voiceless
//! letters and drops the aspiration apostrophe in news text (ch = zh/j,
//! k = g, t = d, p = b, ts/tz = z), writes hs for x, -ih for -i, -ieh for
//! -ie and -ung for -ong, and hyphenates the syllables of a given name
//! ("Ming-te", "Pei-yu") where Pinyin writes one word ("Mingde"). The key
//! here collapses exactly those differences, and the given name is keyed as
//! one word, so both systems meet. The collapse also joins aspirated and
//! unaspirated pairs *within* Pinyin (Zhao and Chao), which is why it is used
//! only where the whole name is identified as Chinese, and a person still
//! needs a compatible given name to link.

/// Common Chinese family names in Pinyin and in Wade-Giles, folded. Names that
/// are also frequent non-Chinese words or given names are left out, so a
/// Western "First Last" is not read family-first.
const FAMILY_NAMES: &[&str] = &[
    // Pinyin
    "wang", "zhang", "liu", "chen", "yang", "huang", "zhao", "zhou", "xu", "sun", "zhu", "guo",
    "lin", "luo", "gao", "xi", "deng", "cai", "xie", "feng", "dong", "xiao", "cheng", "cao",
    "peng", "zeng", "jiang", "wei", "pan", "jin", "fan", "fang", "shi", "yao", "liao", "zou",
    "xiong", "qian", "qiu", "hou", "meng", "qin", "wen", "mao", "kong", "li", "wu", "hu", "ma",
    "he", "tang", "song", "zheng", "han", "luo", "tan", "shen", "ye", "lu", "du", "ren", "yu",
    "cui", "fu", "dai", "xue", "bai", "yan", "lei", "jia", "duan", "hao", // Wade-Giles
    "chang", "chao", "chou", "hsu", "chu", "kuo", "kao", "teng", "tsai", "hsieh", "tung", "hsiao",
    "tseng", "chiang", "chin", "shih", "tsou", "hsiung", "chien", "chiu", "hsi", "sung", "yeh",
    "hsueh", "yen", "chia", "tuan", "lo",
];

/// Whether a folded token is a Chinese family name (either system).
pub fn is_family_name(folded: &str) -> bool {
    FAMILY_NAMES.contains(&folded)
}

/// The spelling-system-neutral key of a folded Chinese name part (family
/// name, or a given name with its syllables joined).
pub fn chinese_key(folded: &str) -> String {
    let mut s = folded.replace("hs", "x");
    for (from, to) in [
        ("tz", "z"),
        ("ts", "z"),
        ("zh", "z"),
        ("ch", "z"),
        ("ieh", "ie"),
        ("ueh", "ue"),
        ("ih", "i"),
        ("ung", "ong"),
        // Wade-Giles -ien and yen are Pinyin -ian and yan (chien = jian).
        ("ien", "ian"),
        ("yen", "yan"),
    ] {
        if s.contains(from) {
            s = s.replace(from, to);
        }
    }
    s.chars()
        .map(|c| match c {
            'c' | 'q' | 'j' => 'z',
            'p' => 'b',
            't' => 'd',
            'k' => 'g',
            _ => c,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wade_giles_meets_pinyin() {
        assert_eq!(chinese_key("chao"), chinese_key("zhao"));
        assert_eq!(chinese_key("mingte"), chinese_key("mingde"));
        assert_eq!(chinese_key("peiyu"), chinese_key("beiyu"));
        assert_eq!(chinese_key("hsu"), chinese_key("xu"));
        assert_eq!(chinese_key("kuo"), chinese_key("guo"));
        assert_eq!(chinese_key("tsai"), chinese_key("cai"));
        assert_eq!(chinese_key("hsieh"), chinese_key("xie"));
        assert_eq!(chinese_key("shih"), chinese_key("shi"));
        assert_eq!(chinese_key("chiang"), chinese_key("jiang"));
        assert_eq!(chinese_key("tung"), chinese_key("dong"));
        assert_eq!(chinese_key("chienkuo"), chinese_key("jianguo"));
        assert_eq!(chinese_key("yen"), chinese_key("yan"));
        assert_eq!(chinese_key("hsueh"), chinese_key("xue"));
    }

    #[test]
    fn different_names_stay_different() {
        assert_ne!(chinese_key("mingde"), chinese_key("peiyu"));
        assert_ne!(chinese_key("yi"), chinese_key("huning"));
        assert_ne!(chinese_key("wang"), chinese_key("huang"));
    }
}
