use super::*;

/// Names at every occurrence of each (surface, type).
fn names(text: &str, list: &[(&str, EntityType)]) -> Vec<NameRef> {
    let mut out = Vec::new();
    for (surface, t) in list {
        for (i, _) in text.match_indices(surface) {
            out.push(NameRef {
                start: i,
                end: i + surface.len(),
                entity_type: *t,
            });
        }
    }
    out.sort_by_key(|n| n.start);
    out
}

/// (quote text, direct, cue, speaker as written, speaker name resolved).
fn read(text: &str, list: &[(&str, EntityType)]) -> Vec<(String, bool, String, String, String)> {
    let names = names(text, list);
    find(text, &names)
        .into_iter()
        .map(|q| {
            (
                text[q.start..q.end].to_string(),
                q.direct,
                q.cue,
                q.speaker.map(|s| text[s].to_string()).unwrap_or_default(),
                q.speaker_name
                    .map(|i| text[names[i].start..names[i].end].to_string())
                    .unwrap_or_default(),
            )
        })
        .collect()
}

const P: EntityType = EntityType::Person;
const O: EntityType = EntityType::Org;

fn q(
    t: &str,
    direct: bool,
    cue: &str,
    phrase: &str,
    name: &str,
) -> (String, bool, String, String, String) {
    (t.into(), direct, cue.into(), phrase.into(), name.into())
}

#[test]
fn quote_then_speaker_and_speaker_then_quote() {
    let t = "Ana Popescu arrived late. “We stay,” Popescu said. Rusu told reporters: “Nothing changes.”";
    let got = read(t, &[("Ana Popescu", P), ("Popescu", P), ("Rusu", P)]);
    assert_eq!(
        got,
        vec![
            q("We stay,", true, "said", "Popescu", "Ana Popescu"),
            q("Nothing changes.", true, "told", "Rusu", "Rusu"),
        ]
    );
}

#[test]
fn inverted_attribution_and_pronouns() {
    let t = "Ana Popescu met Ion Rusu.\n\n“It went well,” said the minister.\n\n“We will meet again,” she added. “Soon.”";
    let got = read(t, &[("Ana Popescu", P), ("Ion Rusu", P)]);
    assert_eq!(got[0].2, "said");
    assert_eq!(got[0].3, "the minister");
    assert_eq!(got[1].3, "she");
    assert_eq!(got[1].4, "Ana Popescu", "Rusu is an object of 'met'");
    assert_eq!(got[2].0, "Soon.");
    assert_eq!(
        got[2].4, "Ana Popescu",
        "an interrupted quote keeps its speaker"
    );
}

#[test]
fn titles_resolve_descriptions() {
    let t = "Foreign Minister Ana Popescu and Ion Rusu, the trade commissioner, spoke.\n\n“Fine,” the minister said.";
    let got = read(t, &[("Ana Popescu", P), ("Ion Rusu", P)]);
    assert_eq!(got[0].4, "Ana Popescu");
}

#[test]
fn reported_speech() {
    let t = "Norvik Shipping said on Tuesday that its fleet would stay in port. The talks will resume next week, Popescu told reporters. According to the ministry, prices rose sharply in May.";
    let got = read(t, &[("Norvik Shipping", O), ("Popescu", P)]);
    assert_eq!(
        got,
        vec![
            q(
                "its fleet would stay in port",
                false,
                "said",
                "Norvik Shipping",
                "Norvik Shipping"
            ),
            q(
                "The talks will resume next week",
                false,
                "told",
                "Popescu",
                "Popescu"
            ),
            // No ministry is named: "the ministry" is no one in particular.
            q(
                "prices rose sharply in May",
                false,
                "according to",
                "the ministry",
                ""
            ),
        ]
    );
}

#[test]
fn scare_quotes_are_not_quotes_and_unattributed_quotes_have_no_speaker() {
    let t = "Ships of the so-called “shadow fleet” left. “Nobody told us anything at all,” one sign read.\n\nA banner said nothing. “We were never asked about any of this.”";
    let got = read(t, &[]);
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[1].0, "We were never asked about any of this.");
    assert_eq!(got[1].3, "");
}

#[test]
fn paragraph_of_quotation_continues_the_speaker() {
    let t = "“We are ready,” Lin Wei said.\n\n“The rest is up to them.”";
    let got = read(t, &[("Lin Wei", P)]);
    assert_eq!(got[1].4, "Lin Wei");
}

#[test]
fn headline_quotes() {
    let t = "'We will not back down,' says Sarrau\n\nBody.";
    let got = read(t, &[("Sarrau", P)]);
    assert_eq!(
        got,
        vec![q(
            "We will not back down,",
            true,
            "says",
            "Sarrau",
            "Sarrau"
        )]
    );
    let t = "Kovalenko: “Doors stay open”\n\nBody.";
    let got = read(t, &[("Kovalenko", P)]);
    assert_eq!(got[0].4, "Kovalenko");
}

#[test]
fn hostile_text_never_panics() {
    for t in [
        "“",
        "”",
        "\"",
        "«»",
        "„“",
        "'",
        "“a”b”c“",
        "said",
        "according to",
        ", said",
        "“x,” said",
        "\u{feff}“é,” she said.”",
        "\n\n“\n\n“\n\n",
    ] {
        let _ = find(t, &[]);
    }
}

mod fuzz {
    use proptest::prelude::*;

    use super::*;

    /// Text made of the marks, cue words and multi-byte letters the finder
    /// reacts to, with names at random char boundaries.
    fn hostile() -> impl Strategy<Value = (String, Vec<NameRef>)> {
        let piece = prop::sample::select(vec![
            "“",
            "”",
            "\"",
            "'",
            "‘",
            "’",
            "«",
            "»",
            "„",
            "‚",
            " ",
            " ",
            " ",
            "\n",
            "\n\n",
            ",",
            ".",
            ":",
            "?",
            "said",
            "told",
            "according to",
            "that",
            "he",
            "she",
            "the minister",
            "a spokesperson for",
            "Ana",
            "Popescu",
            "Ünal",
            "İzmir",
            "—",
            "é",
            "日本",
            "🙂",
            "Mr.",
            "the statement",
            "the company",
            "the 54-year-old",
            "who",
            "'s",
        ]);
        prop::collection::vec(piece, 0..80).prop_flat_map(|pieces| {
            let text: String = pieces.concat();
            let bounds: Vec<usize> = text
                .char_indices()
                .map(|(i, _)| i)
                .chain([text.len()])
                .collect();
            let n = bounds.len();
            let names = prop::collection::vec((0..n, 0..n, 0..4u8), 0..8).prop_map(move |raw| {
                let mut names: Vec<NameRef> = raw
                    .into_iter()
                    .filter_map(|(a, b, t)| {
                        let (a, b) = (bounds[a.min(b)], bounds[a.max(b)]);
                        (a < b).then_some(NameRef {
                            start: a,
                            end: b,
                            entity_type: [
                                EntityType::Person,
                                EntityType::Org,
                                EntityType::Gpe,
                                EntityType::Norp,
                            ][t as usize],
                        })
                    })
                    .collect();
                names.sort_by_key(|n| (n.start, n.end));
                names.dedup_by_key(|n| n.start);
                // Names never overlap in the pipeline.
                let mut last_end = 0;
                names.retain(|n| {
                    let keep = n.start >= last_end;
                    if keep {
                        last_end = n.end;
                    }
                    keep
                });
                names
            });
            (Just(text), names)
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(2000))]

        /// Never a panic; every span lies on char boundaries, in order,
        /// with its speaker a real name index.
        #[test]
        fn any_text_gives_well_formed_quotes((text, names) in hostile()) {
            let found = find(&text, &names);
            for q in &found {
                prop_assert!(q.start < q.end && q.end <= text.len());
                prop_assert!(text.is_char_boundary(q.start) && text.is_char_boundary(q.end));
                if let Some(s) = &q.speaker {
                    prop_assert!(text.is_char_boundary(s.start) && text.is_char_boundary(s.end));
                }
                prop_assert!(q.speaker_name.is_none_or(|i| i < names.len()));
            }
            prop_assert!(found.windows(2).all(|w| (w[0].start, w[0].end) <= (w[1].start, w[1].end)));
        }
    }
}

#[test]
fn everyday_news_patterns() {
    let list = [("Lena Vogt", P), ("Vogt", P), ("Kestrel Energy", O)];
    let t = "“We will appeal,” Vogt, 54, said on Tuesday.";
    assert_eq!(read(t, &list)[0].4, "Vogt");
    let t = "In a statement, Kestrel Energy said: “The plant is safe.”";
    let got = read(t, &list);
    assert_eq!(
        (got[0].2.as_str(), got[0].4.as_str()),
        ("said", "Kestrel Energy")
    );
    let t = "Lena Vogt spoke first.\n\n“It is over,” she wrote on social media.";
    assert_eq!(read(t, &list)[0].4, "Lena Vogt");
    let t = "“Nobody expected this,” said Vogt, who chairs the board.";
    assert_eq!(read(t, &list)[0].3, "Vogt");
    let t = "Kestrel Energy said it would cut 400 jobs by March.";
    let got = read(t, &list);
    assert_eq!(got[0].0, "it would cut 400 jobs by March");
    assert!(!got[0].1);
}
