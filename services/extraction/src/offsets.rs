//! Offsets in the unit the client counts in.
//!
//! Spans are computed as UTF-8 byte offsets; Java and JavaScript clients slice
//! strings by UTF-16 code units and Python by code points, so the service can
//! return either (as Google's Natural Language API does).

/// The unit of returned offsets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OffsetUnit {
    /// UTF-8 bytes.
    #[default]
    Utf8,
    /// UTF-16 code units.
    Utf16,
    /// Unicode scalar values (code points).
    Utf32,
}

/// Converts byte offsets of `text` into `unit`, in one pass over the text.
///
/// `offsets` may come in any order; each must be on a char boundary of `text`
/// (span ends from the tokenizer always are). An offset that is not is
/// rounded down to the boundary before it rather than panicking.
pub fn convert(text: &str, offsets: &mut [u32], unit: OffsetUnit) {
    if unit == OffsetUnit::Utf8 || offsets.is_empty() {
        return;
    }
    let mut order: Vec<usize> = (0..offsets.len()).collect();
    order.sort_unstable_by_key(|&i| offsets[i]);

    let mut next = 0; // position in `order`
    let mut units: u32 = 0;
    for (byte, ch) in text.char_indices() {
        while next < order.len() && offsets[order[next]] as usize <= byte {
            offsets[order[next]] = units;
            next += 1;
        }
        if next == order.len() {
            return;
        }
        // An offset inside this char rounds down to its start.
        while next < order.len() && (offsets[order[next]] as usize) < byte + ch.len_utf8() {
            offsets[order[next]] = units;
            next += 1;
        }
        units += match unit {
            OffsetUnit::Utf16 => ch.len_utf16() as u32,
            _ => 1,
        };
    }
    for &i in &order[next..] {
        offsets[i] = units;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn emoji_cyrillic_and_cjk() {
        let text = "Ё 👍 王毅 said";
        let said = text.find("said").unwrap() as u32;
        let wang = text.find('王').unwrap() as u32;
        let mut utf16 = [said, wang, 0];
        convert(text, &mut utf16, OffsetUnit::Utf16);
        // Ё=1 unit, space, 👍=2 units, space → 王 at 5; "王毅 " adds 3 → said at 8.
        assert_eq!(utf16, [8, 5, 0]);
        let mut utf32 = [said, wang];
        convert(text, &mut utf32, OffsetUnit::Utf32);
        assert_eq!(utf32, [7, 4]);
    }

    #[test]
    fn end_of_text_is_the_total_length() {
        let text = "Kyiv – 👍";
        let mut end = [text.len() as u32];
        convert(text, &mut end, OffsetUnit::Utf16);
        assert_eq!(end[0] as usize, text.encode_utf16().count());
    }

    proptest! {
        #[test]
        fn agrees_with_counting_prefixes(text in "\\PC{0,40}", picks in prop::collection::vec(any::<prop::sample::Index>(), 0..8)) {
            let boundaries: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
            let bytes: Vec<u32> = picks.iter().map(|p| boundaries[p.index(boundaries.len())] as u32).collect();
            let mut utf16 = bytes.clone();
            convert(&text, &mut utf16, OffsetUnit::Utf16);
            let mut utf32 = bytes.clone();
            convert(&text, &mut utf32, OffsetUnit::Utf32);
            for (i, &b) in bytes.iter().enumerate() {
                let prefix = &text[..b as usize];
                prop_assert_eq!(utf16[i] as usize, prefix.encode_utf16().count());
                prop_assert_eq!(utf32[i] as usize, prefix.chars().count());
            }
        }
    }
}
