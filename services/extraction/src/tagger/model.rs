//! The model: feature rows, weights, transitions, lexicons and metadata, and
//! its binary file format.
//!
//! File layout (little-endian): magic `DOSSNER\0`, format version (u32), the
//! metadata as `key=value` lines, then the tables as length-prefixed arrays.
//! Weights are stored as i8 with a per-row f32 scale: averaged perceptron
//! weights lose nothing measurable at that precision and the file shrinks
//! fourfold.

use std::collections::BTreeMap;

use super::decode::masked_transitions;
use super::labels::N_TAGS;
use super::lexicon::{Lexicon, PhraseInfo};
use super::map::U64Map;

const MAGIC: &[u8; 8] = b"DOSSNER\0";

/// Version of the file format and of the feature definitions: a model
/// trained with other feature templates scores nonsense, so it is refused.
/// 2: Title Case lines (cap state 4, salted word and context shapes,
/// title-context lowercase word and cluster features, title bit in lexicon
/// features).
pub const FORMAT_VERSION: u32 = 2;

/// Why a model could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    #[error("not a Dossier NER model (bad magic bytes)")]
    BadMagic,
    #[error("model format version {found} is not supported (this build reads {FORMAT_VERSION})")]
    Version { found: u32 },
    #[error("model file is truncated or corrupt: {0}")]
    Corrupt(&'static str),
    #[error("no model is embedded in this build; train one with `dossier-extraction train`")]
    Missing,
    #[error("reading the model file: {0}")]
    Io(#[from] std::io::Error),
}

/// A trained model.
#[derive(Debug, Clone, Default)]
pub struct Model {
    /// Free-form metadata: version, training data hash, seed, epochs, scores.
    pub meta: BTreeMap<String, String>,
    pub lex: Lexicon,
    /// Feature hash -> row of `weights`.
    pub rows: U64Map<u32>,
    /// `rows x N_TAGS` weights.
    pub weights: Vec<f32>,
    /// `(N_TAGS + 1) x N_TAGS` transition weights (row 0: sentence start).
    pub trans: Vec<f32>,
    /// `trans` with invalid BILOU moves forbidden, for decoding.
    pub masked: Vec<f32>,
}

impl Model {
    /// Adds the weights of `feats` to `out` (`N_TAGS` scores).
    #[inline]
    pub fn score(&self, feats: &[u64], out: &mut [f32]) {
        out.fill(0.0);
        self.add_score(feats, out);
    }

    /// Adds the weights of `feats` to the scores already in `out`.
    ///
    /// The rows of a batch of features are looked up first and added after:
    /// the lookups are independent memory reads that the processor overlaps
    /// when no addition sits between them (the rows are added in the same
    /// order, so the sums are the same).
    #[inline]
    pub fn add_score(&self, feats: &[u64], out: &mut [f32]) {
        const BATCH: usize = 32;
        let mut rows = [0u32; BATCH];
        for batch in feats.chunks(BATCH) {
            let mut n = 0;
            for &f in batch {
                if let Some(r) = self.rows.get(f) {
                    rows[n] = r;
                    n += 1;
                }
            }
            for &r in &rows[..n] {
                let row = &self.weights[r as usize * N_TAGS..(r as usize + 1) * N_TAGS];
                for (o, w) in out.iter_mut().zip(row) {
                    *o += w;
                }
            }
        }
    }

    /// Serialises the model.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut w = Vec::with_capacity(self.weights.len() + (1 << 20));
        w.extend_from_slice(MAGIC);
        put_u32(&mut w, FORMAT_VERSION);
        let meta: String = self
            .meta
            .iter()
            .map(|(k, v)| format!("{k}={v}\n"))
            .collect();
        put_bytes(&mut w, meta.as_bytes());
        // Phrases.
        let (keys, vals) = self.lex.phrases.raw();
        put_u64s(&mut w, &keys);
        put_u32(&mut w, vals.len() as u32);
        for v in vals {
            put_u16(&mut w, v.gaz);
            for d in v.df {
                put_u16(&mut w, d);
            }
        }
        // Clusters.
        let (keys, vals) = self.lex.clusters.raw();
        put_u64s(&mut w, &keys);
        put_u32(&mut w, vals.len() as u32);
        for v in vals {
            for c in v {
                put_u16(&mut w, c);
            }
        }
        // Feature rows.
        let (keys, vals) = self.rows.raw();
        put_u64s(&mut w, &keys);
        put_u32(&mut w, vals.len() as u32);
        for v in vals {
            put_u32(&mut w, v);
        }
        // Weights, quantised per row.
        let n_rows = self.weights.len() / N_TAGS;
        put_u32(&mut w, n_rows as u32);
        for row in self.weights.chunks_exact(N_TAGS) {
            let max = row.iter().fold(0f32, |m, x| m.max(x.abs()));
            let scale = if max > 0.0 { max / 127.0 } else { 1.0 };
            w.extend_from_slice(&scale.to_le_bytes());
            for x in row {
                w.push((x / scale).round().clamp(-127.0, 127.0) as i8 as u8);
            }
        }
        put_u32(&mut w, self.trans.len() as u32);
        for t in &self.trans {
            w.extend_from_slice(&t.to_le_bytes());
        }
        w
    }

    /// Reads a model written by `to_bytes`.
    pub fn from_bytes(bytes: &[u8]) -> Result<Model, ModelError> {
        if bytes.is_empty() {
            return Err(ModelError::Missing);
        }
        let mut r = Reader { b: bytes, at: 0 };
        if r.take(8)? != MAGIC {
            return Err(ModelError::BadMagic);
        }
        let version = r.u32()?;
        if version != FORMAT_VERSION {
            return Err(ModelError::Version { found: version });
        }
        let meta_text =
            std::str::from_utf8(r.bytes()?).map_err(|_| ModelError::Corrupt("metadata"))?;
        let meta = meta_text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let keys = r.u64s()?;
        let n = r.u32()? as usize;
        let mut vals = Vec::with_capacity(n);
        for _ in 0..n {
            let gaz = r.u16()?;
            let mut df = [0u16; 4];
            for d in df.iter_mut() {
                *d = r.u16()?;
            }
            vals.push(PhraseInfo { gaz, df });
        }
        let phrases = U64Map::from_raw(keys, vals).ok_or(ModelError::Corrupt("phrase table"))?;
        let keys = r.u64s()?;
        let n = r.u32()? as usize;
        let mut vals = Vec::with_capacity(n);
        for _ in 0..n {
            vals.push([r.u16()?, r.u16()?, r.u16()?]);
        }
        let clusters = U64Map::from_raw(keys, vals).ok_or(ModelError::Corrupt("cluster table"))?;
        let keys = r.u64s()?;
        let n = r.u32()? as usize;
        let raw = r.take(n.checked_mul(4).ok_or(ModelError::Corrupt("row table"))?)?;
        let vals: Vec<u32> = raw
            .chunks_exact(4)
            .map(|c| u32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let rows = U64Map::from_raw(keys, vals).ok_or(ModelError::Corrupt("row table"))?;
        let n_rows = r.u32()? as usize;
        let raw = r.take(
            n_rows
                .checked_mul(4 + N_TAGS)
                .ok_or(ModelError::Corrupt("weights"))?,
        )?;
        let mut weights = Vec::with_capacity(n_rows * N_TAGS);
        for row in raw.chunks_exact(4 + N_TAGS) {
            let scale = f32::from_le_bytes([row[0], row[1], row[2], row[3]]);
            weights.extend(row[4..].iter().map(|&q| q as i8 as f32 * scale));
        }
        if rows.iter().any(|(_, r)| r as usize >= n_rows) {
            return Err(ModelError::Corrupt("row index out of range"));
        }
        let n = r.u32()? as usize;
        if n != (N_TAGS + 1) * N_TAGS {
            return Err(ModelError::Corrupt("transitions"));
        }
        let trans: Vec<f32> = r
            .take(n * 4)?
            .chunks_exact(4)
            .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect();
        let masked = masked_transitions(&trans);
        Ok(Model {
            meta,
            lex: Lexicon { phrases, clusters },
            rows,
            weights,
            trans,
            masked,
        })
    }
}

fn put_u16(w: &mut Vec<u8>, v: u16) {
    w.extend_from_slice(&v.to_le_bytes());
}

fn put_u32(w: &mut Vec<u8>, v: u32) {
    w.extend_from_slice(&v.to_le_bytes());
}

fn put_bytes(w: &mut Vec<u8>, b: &[u8]) {
    put_u32(w, b.len() as u32);
    w.extend_from_slice(b);
}

fn put_u64s(w: &mut Vec<u8>, v: &[u64]) {
    put_u32(w, v.len() as u32);
    for x in v {
        w.extend_from_slice(&x.to_le_bytes());
    }
}

struct Reader<'a> {
    b: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], ModelError> {
        let end = self
            .at
            .checked_add(n)
            .ok_or(ModelError::Corrupt("length"))?;
        let s = self
            .b
            .get(self.at..end)
            .ok_or(ModelError::Corrupt("unexpected end of file"))?;
        self.at = end;
        Ok(s)
    }

    fn u16(&mut self) -> Result<u16, ModelError> {
        let s = self.take(2)?;
        Ok(u16::from_le_bytes([s[0], s[1]]))
    }

    fn u32(&mut self) -> Result<u32, ModelError> {
        let s = self.take(4)?;
        Ok(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    fn bytes(&mut self) -> Result<&'a [u8], ModelError> {
        let n = self.u32()? as usize;
        self.take(n)
    }

    fn u64s(&mut self) -> Result<Vec<u64>, ModelError> {
        let n = self.u32()? as usize;
        let raw = self.take(n.checked_mul(8).ok_or(ModelError::Corrupt("length"))?)?;
        Ok(raw
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_load_round_trip() {
        let mut m = Model::default();
        m.meta.insert("seed".into(), "7".into());
        m.lex.add_gazetteer("CITY\tParis\n");
        m.lex.add_clusters("paris\t1\t2\t3\n");
        m.rows.insert(42, 0);
        m.rows.insert(43, 1);
        m.weights = (0..2 * N_TAGS).map(|i| i as f32 - 10.0).collect();
        m.trans = vec![0.5; (N_TAGS + 1) * N_TAGS];
        let bytes = m.to_bytes();
        let back = Model::from_bytes(&bytes).unwrap();
        assert_eq!(back.meta, m.meta);
        assert_eq!(back.lex, m.lex);
        assert_eq!(back.rows, m.rows);
        assert_eq!(back.trans, m.trans);
        for (a, b) in back.weights.iter().zip(&m.weights) {
            assert!((a - b).abs() < 0.1, "{a} vs {b}");
        }
        assert!(matches!(
            Model::from_bytes(&bytes[..bytes.len() - 3]),
            Err(ModelError::Corrupt(_))
        ));
        assert!(matches!(
            Model::from_bytes(b"garbage!"),
            Err(ModelError::BadMagic)
        ));
        assert!(matches!(Model::from_bytes(b""), Err(ModelError::Missing)));
    }
}
