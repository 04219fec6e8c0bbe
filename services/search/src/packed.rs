//! Strings appended to one buffer and found by position: four bytes of
//! overhead a string instead of a heap allocation (and its pointer and
//! length) each. A segment's entity names and a facet column's values are
//! held this way: hundreds of thousands of short strings on a large index.

/// Strings in one buffer, by position.
#[derive(Debug, Default, Clone)]
pub struct PackedStrings {
    text: String,
    /// Where each string ends in `text`.
    ends: Vec<u32>,
}

/// Adding the string would take the buffer past 4 GiB.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TooLong;

impl PackedStrings {
    /// Appends `s`; returns its position.
    pub fn push(&mut self, s: &str) -> Result<u32, TooLong> {
        let end = u32::try_from(self.text.len() + s.len()).map_err(|_| TooLong)?;
        let at = u32::try_from(self.ends.len()).map_err(|_| TooLong)?;
        self.text.push_str(s);
        self.ends.push(end);
        Ok(at)
    }

    /// Whether `extra` more bytes would still fit.
    pub fn fits(&self, extra: usize) -> bool {
        u32::try_from(self.text.len() + extra).is_ok()
    }

    /// The string at `at`.
    pub fn get(&self, at: usize) -> Option<&str> {
        let end = *self.ends.get(at)? as usize;
        let start = match at {
            0 => 0,
            _ => self.ends[at - 1] as usize,
        };
        self.text.get(start..end)
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).filter_map(|at| self.get(at))
    }

    /// Gives back the spare capacity of a buffer that is complete.
    pub fn shrink_to_fit(&mut self) {
        self.text.shrink_to_fit();
        self.ends.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_come_back_by_position_including_empty_ones() {
        let mut packed = PackedStrings::default();
        assert_eq!(packed.push("Shapovchuk"), Ok(0));
        assert_eq!(packed.push(""), Ok(1));
        assert_eq!(packed.push("Чаповчук"), Ok(2));
        assert_eq!(packed.get(0), Some("Shapovchuk"));
        assert_eq!(packed.get(1), Some(""));
        assert_eq!(packed.get(2), Some("Чаповчук"));
        assert_eq!(packed.get(3), None);
        assert_eq!(
            packed.iter().collect::<Vec<_>>(),
            ["Shapovchuk", "", "Чаповчук"]
        );
        assert!(packed.fits(1 << 20) && !packed.fits(usize::MAX / 2));
    }
}
