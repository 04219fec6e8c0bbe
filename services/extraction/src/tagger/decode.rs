//! Viterbi decoding over BILOU labels, with per-token margins for confidence.

use std::sync::LazyLock;

use super::labels::{N_TAGS, allowed, allowed_end};

const NEG: f32 = -1.0e30;

/// The BILOU moves that are allowed at all. A masked transition matrix
/// scores every other move NEG, so it can never win; skipping those moves
/// gives exactly the same result (ties still go to the lowest label) with
/// about a third of the work: I-X and L-X follow only B-X or I-X.
struct Moves {
    /// `prev[c][..prev_len[c]]`: labels that may precede `c`, ascending.
    prev: [[u8; N_TAGS]; N_TAGS],
    prev_len: [usize; N_TAGS],
    /// `next[p][..next_len[p]]`: labels that may follow `p`, ascending.
    next: [[u8; N_TAGS]; N_TAGS],
    next_len: [usize; N_TAGS],
}

static MOVES: LazyLock<Moves> = LazyLock::new(|| {
    let mut m = Moves {
        prev: [[0; N_TAGS]; N_TAGS],
        prev_len: [0; N_TAGS],
        next: [[0; N_TAGS]; N_TAGS],
        next_len: [0; N_TAGS],
    };
    for p in 0..N_TAGS as u8 {
        for c in 0..N_TAGS as u8 {
            if allowed(Some(p), c) {
                let (pi, ci) = (p as usize, c as usize);
                m.prev[ci][m.prev_len[ci]] = p;
                m.prev_len[ci] += 1;
                m.next[pi][m.next_len[pi]] = c;
                m.next_len[pi] += 1;
            }
        }
    }
    m
});

/// Transition scores with invalid BILOU moves forbidden: `(N_TAGS + 1) x
/// N_TAGS`, row 0 is the sentence start, row `p + 1` follows label `p`.
pub fn masked_transitions(trans: &[f32]) -> Vec<f32> {
    let mut out = trans.to_vec();
    for p in 0..=N_TAGS {
        let prev = (p > 0).then(|| (p - 1) as u8);
        for c in 0..N_TAGS {
            if !allowed(prev, c as u8) {
                out[p * N_TAGS + c] = NEG;
            }
        }
    }
    out
}

/// Reusable buffers for decoding.
#[derive(Default)]
pub struct Decoder {
    alpha: Vec<f32>,
    back: Vec<u8>,
    beta: Vec<f32>,
}

impl Decoder {
    /// Best label sequence for `emit` (`n x N_TAGS`) under masked transitions.
    pub fn viterbi(&mut self, emit: &[f32], trans: &[f32], out: &mut Vec<u8>) {
        let n = emit.len() / N_TAGS;
        out.clear();
        if n == 0 {
            return;
        }
        self.alpha.clear();
        self.alpha.resize(n * N_TAGS, NEG);
        self.back.clear();
        self.back.resize(n * N_TAGS, 0);
        for c in 0..N_TAGS {
            self.alpha[c] = trans[c] + emit[c];
        }
        let moves = &*MOVES;
        for i in 1..n {
            let (done, rest) = self.alpha.split_at_mut(i * N_TAGS);
            let prev = &done[(i - 1) * N_TAGS..];
            let cur = &mut rest[..N_TAGS];
            for c in 0..N_TAGS {
                let mut best = NEG * 2.0;
                let mut arg = 0u8;
                for &p in &moves.prev[c][..moves.prev_len[c]] {
                    let s = prev[p as usize] + trans[(p as usize + 1) * N_TAGS + c];
                    if s > best {
                        best = s;
                        arg = p;
                    }
                }
                cur[c] = best + emit[i * N_TAGS + c];
                self.back[i * N_TAGS + c] = arg;
            }
        }
        let last = &self.alpha[(n - 1) * N_TAGS..];
        let mut arg = 0u8;
        let mut best = NEG * 2.0;
        for (c, &v) in last.iter().enumerate() {
            let v = if allowed_end(c as u8) { v } else { v + NEG };
            if v > best {
                best = v;
                arg = c as u8;
            }
        }
        out.resize(n, 0);
        out[n - 1] = arg;
        for i in (1..n).rev() {
            out[i - 1] = self.back[i * N_TAGS + out[i] as usize];
        }
    }

    /// After `viterbi`, the margin of each chosen label: the score of the best
    /// sequence minus the best sequence with a different label at that token.
    pub fn margins(&mut self, emit: &[f32], trans: &[f32], labels: &[u8], out: &mut Vec<f32>) {
        let n = labels.len();
        out.clear();
        if n == 0 {
            return;
        }
        self.beta.clear();
        self.beta.resize(n * N_TAGS, NEG);
        for c in 0..N_TAGS {
            self.beta[(n - 1) * N_TAGS + c] = if allowed_end(c as u8) { 0.0 } else { NEG };
        }
        let moves = &*MOVES;
        for i in (0..n - 1).rev() {
            for p in 0..N_TAGS {
                let mut best = NEG * 2.0;
                for &c in &moves.next[p][..moves.next_len[p]] {
                    let c = c as usize;
                    let s = trans[(p + 1) * N_TAGS + c]
                        + emit[(i + 1) * N_TAGS + c]
                        + self.beta[(i + 1) * N_TAGS + c];
                    if s > best {
                        best = s;
                    }
                }
                self.beta[i * N_TAGS + p] = best;
            }
        }
        for (i, &l) in labels.iter().enumerate() {
            let row = i * N_TAGS;
            let chosen = self.alpha[row + l as usize] + self.beta[row + l as usize];
            let mut other = NEG * 2.0;
            for c in 0..N_TAGS {
                if c != l as usize {
                    other = other.max(self.alpha[row + c] + self.beta[row + c]);
                }
            }
            out.push((chosen - other).max(0.0));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tagger::labels::{Pos, label};

    #[test]
    fn decodes_valid_sequence() {
        let trans = masked_transitions(&vec![0.0; (N_TAGS + 1) * N_TAGS]);
        // Token 0 prefers B-PER, token 1 prefers O (invalid after B): the best
        // valid path must be U-PER O or B-PER L-PER.
        let mut emit = vec![0.0; 2 * N_TAGS];
        emit[label(Pos::Begin, 0) as usize] = 5.0;
        emit[N_TAGS + label(Pos::Last, 0) as usize] = 1.0;
        emit[N_TAGS] = 3.0;
        let mut d = Decoder::default();
        let mut out = Vec::new();
        d.viterbi(&emit, &trans, &mut out);
        assert_eq!(out, vec![label(Pos::Begin, 0), label(Pos::Last, 0)]);
        let mut m = Vec::new();
        d.margins(&emit, &trans, &out, &mut m);
        assert_eq!(m.len(), 2);
        assert!(m.iter().all(|&x| x > 0.0));
    }
}
