//! Viterbi decoding over BILOU labels, with per-token margins for confidence.

use super::labels::{N_TAGS, allowed, allowed_end};

const NEG: f32 = -1.0e30;

/// One token's scores, one per label.
type Row = [f32; N_TAGS];

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
    beta: Vec<f32>,
}

impl Decoder {
    /// Best label sequence for `emit` (`n x N_TAGS`) under masked transitions.
    ///
    /// The forward pass scores every move, the forbidden ones too, one
    /// previous label at a time across all current labels: straight-line
    /// maxima over fixed-size arrays, which the compiler turns into vector
    /// instructions, several times faster than following each label's few
    /// allowed predecessors through a chain of dependent compares. The result
    /// is the same: a forbidden move scores about `NEG`, and every label has
    /// an allowed predecessor with a finite score (O after a closed label,
    /// I/L after B), which beats it. No back-pointers are kept: the
    /// predecessor of each label on the best path is found again while
    /// tracing back, from the same sums, the lowest label on ties as before.
    pub fn viterbi(&mut self, emit: &[f32], trans: &[f32], out: &mut Vec<u8>) {
        let n = emit.len() / N_TAGS;
        out.clear();
        if n == 0 {
            return;
        }
        let (start, follow) = transition_rows(trans);
        let emits = rows(emit);
        self.alpha.clear();
        self.alpha.resize(n * N_TAGS, NEG);
        let mut prev: Row = std::array::from_fn(|c| start[c] + emits[0][c]);
        self.alpha[..N_TAGS].copy_from_slice(&prev);
        let alphas = self.alpha.chunks_exact_mut(N_TAGS).skip(1);
        for (e, a) in emits[1..].iter().zip(alphas) {
            let mut best: Row = [NEG * 2.0; N_TAGS];
            for (&from, t) in prev.iter().zip(follow) {
                for c in 0..N_TAGS {
                    let s = from + t[c];
                    if s > best[c] {
                        best[c] = s;
                    }
                }
            }
            for c in 0..N_TAGS {
                prev[c] = best[c] + e[c];
            }
            a.copy_from_slice(&prev);
        }
        let mut arg = 0u8;
        let mut best = NEG * 2.0;
        for (c, &v) in prev.iter().enumerate() {
            let v = if allowed_end(c as u8) { v } else { v + NEG };
            if v > best {
                best = v;
                arg = c as u8;
            }
        }
        out.resize(n, 0);
        out[n - 1] = arg;
        let alphas = rows(&self.alpha);
        for i in (1..n).rev() {
            let c = out[i] as usize;
            let mut best = NEG * 2.0;
            let mut arg = 0u8;
            for (p, (&from, t)) in alphas[i - 1].iter().zip(follow).enumerate() {
                let s = from + t[c];
                if s > best {
                    best = s;
                    arg = p as u8;
                }
            }
            out[i - 1] = arg;
        }
    }

    /// After `viterbi`, the margin of each chosen label: the score of the best
    /// sequence minus the best sequence with a different label at that token.
    ///
    /// Margins serve the confidence of names, so tokens before the first
    /// name label (all of a sentence with no name) get none computed: 0.
    ///
    /// The backward scores are computed like `viterbi`'s forward ones: every
    /// move, vectorised across the previous labels (a forbidden move scores
    /// about `NEG` and every label has an allowed successor with a finite
    /// score, so the maxima are those over allowed moves).
    pub fn margins(&mut self, emit: &[f32], trans: &[f32], labels: &[u8], out: &mut Vec<f32>) {
        let n = labels.len();
        out.clear();
        let first = labels.iter().position(|&l| l != 0).unwrap_or(n);
        out.resize(first, 0.0);
        if first == n {
            return;
        }
        let (_, follow) = transition_rows(trans);
        // into[c][p]: the score of moving from p to c.
        let mut into = [[0f32; N_TAGS]; N_TAGS];
        for (p, t) in follow.iter().enumerate() {
            for (c, &v) in t.iter().enumerate() {
                into[c][p] = v;
            }
        }
        let emits = rows(emit);
        self.beta.clear();
        self.beta.resize(n * N_TAGS, NEG);
        let mut next: Row = std::array::from_fn(|c| if allowed_end(c as u8) { 0.0 } else { NEG });
        self.beta[(n - 1) * N_TAGS..].copy_from_slice(&next);
        for i in (first..n - 1).rev() {
            let e = &emits[i + 1];
            let mut best: Row = [NEG * 2.0; N_TAGS];
            for (c, t) in into.iter().enumerate() {
                let (ec, bc) = (e[c], next[c]);
                for p in 0..N_TAGS {
                    let s = t[p] + ec + bc;
                    if s > best[p] {
                        best[p] = s;
                    }
                }
            }
            next = best;
            self.beta[i * N_TAGS..(i + 1) * N_TAGS].copy_from_slice(&next);
        }
        for (i, &l) in labels.iter().enumerate().skip(first) {
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

/// The masked transition matrix as rows: from the sentence start, and from
/// each label.
fn transition_rows(trans: &[f32]) -> (&Row, &[Row]) {
    let all = rows(trans);
    (&all[0], &all[1..=N_TAGS])
}

/// A flat `n x N_TAGS` score array as rows (a partial last row is ignored).
fn rows(flat: &[f32]) -> &[Row] {
    let (rows, _) = flat.as_chunks::<N_TAGS>();
    rows
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

    /// The straightforward decoder the vectorised one replaced: only allowed
    /// moves, back-pointers, margins at every token.
    fn reference(emit: &[f32], trans: &[f32]) -> (Vec<u8>, Vec<f32>) {
        let n = emit.len() / N_TAGS;
        let allowed_from = |c: usize| -> Vec<usize> {
            (0..N_TAGS)
                .filter(|&p| allowed(Some(p as u8), c as u8))
                .collect()
        };
        let mut alpha = vec![NEG; n * N_TAGS];
        let mut back = vec![0u8; n * N_TAGS];
        for c in 0..N_TAGS {
            alpha[c] = trans[c] + emit[c];
        }
        for i in 1..n {
            for c in 0..N_TAGS {
                let (mut best, mut arg) = (NEG * 2.0, 0u8);
                for p in allowed_from(c) {
                    let s = alpha[(i - 1) * N_TAGS + p] + trans[(p + 1) * N_TAGS + c];
                    if s > best {
                        (best, arg) = (s, p as u8);
                    }
                }
                alpha[i * N_TAGS + c] = best + emit[i * N_TAGS + c];
                back[i * N_TAGS + c] = arg;
            }
        }
        let (mut best, mut arg) = (NEG * 2.0, 0u8);
        for c in 0..N_TAGS {
            let v = alpha[(n - 1) * N_TAGS + c] + if allowed_end(c as u8) { 0.0 } else { NEG };
            if v > best {
                (best, arg) = (v, c as u8);
            }
        }
        let mut labels = vec![0u8; n];
        labels[n - 1] = arg;
        for i in (1..n).rev() {
            labels[i - 1] = back[i * N_TAGS + labels[i] as usize];
        }
        let mut beta = vec![NEG; n * N_TAGS];
        for c in 0..N_TAGS {
            beta[(n - 1) * N_TAGS + c] = if allowed_end(c as u8) { 0.0 } else { NEG };
        }
        for i in (0..n - 1).rev() {
            for p in 0..N_TAGS {
                let mut best = NEG * 2.0;
                for c in (0..N_TAGS).filter(|&c| allowed(Some(p as u8), c as u8)) {
                    let s = trans[(p + 1) * N_TAGS + c]
                        + emit[(i + 1) * N_TAGS + c]
                        + beta[(i + 1) * N_TAGS + c];
                    best = if s > best { s } else { best };
                }
                beta[i * N_TAGS + p] = best;
            }
        }
        let margins = (0..n)
            .map(|i| {
                let row = i * N_TAGS;
                let l = labels[i] as usize;
                let chosen = alpha[row + l] + beta[row + l];
                let other = (0..N_TAGS)
                    .filter(|&c| c != l)
                    .map(|c| alpha[row + c] + beta[row + c])
                    .fold(NEG * 2.0, f32::max);
                (chosen - other).max(0.0)
            })
            .collect();
        (labels, margins)
    }

    #[test]
    fn same_labels_and_margins_as_the_reference() {
        let mut rng = crate::tagger::hash::SplitMix(7);
        let mut uniform = |scale: f32| (rng.next_u64() % 20_001) as f32 / 10_000.0 * scale - scale;
        let mut d = Decoder::default();
        for round in 0..300 {
            let trans_raw: Vec<f32> = (0..(N_TAGS + 1) * N_TAGS).map(|_| uniform(3.0)).collect();
            let trans = masked_transitions(&trans_raw);
            let n = 1 + round % 40;
            // Coarse values make ties between paths common.
            let coarse = round % 3 == 0;
            let emit: Vec<f32> = (0..n * N_TAGS)
                .map(|_| {
                    let x = uniform(8.0);
                    if coarse { x.round() } else { x }
                })
                .collect();
            let (want_labels, want_margins) = reference(&emit, &trans);
            let (mut labels, mut margins) = (Vec::new(), Vec::new());
            d.viterbi(&emit, &trans, &mut labels);
            assert_eq!(labels, want_labels, "round {round}");
            d.margins(&emit, &trans, &labels, &mut margins);
            let first = labels.iter().position(|&l| l != 0).unwrap_or(n);
            for i in first..n {
                assert_eq!(
                    margins[i].to_bits(),
                    want_margins[i].to_bits(),
                    "round {round}, token {i}"
                );
            }
        }
    }
}
