//! The index: commits, checkpoints, replays, schema changes, stories across
//! restarts.

use super::*;

fn doc(id: &str, seq: u64, body: &str) -> IndexOp {
    IndexOp::Upsert(Box::new(IndexDoc {
        id: id.into(),
        sequence: seq,
        body: body.into(),
        ..Default::default()
    }))
}

#[test]
fn commits_carry_the_checkpoint_across_reopen() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        assert_eq!(index.checkpoint().unwrap(), Checkpoint::default());
        index
            .apply(vec![doc("a", 1, "x"), doc("b", 2, "y")])
            .unwrap();
        let cp = Checkpoint {
            sequence: 2,
            entity_sequence: 5,
        };
        index.commit(cp).unwrap();
        index.close().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(
        index.checkpoint().unwrap(),
        Checkpoint {
            sequence: 2,
            entity_sequence: 5
        }
    );
    assert_eq!(index.counts().0, 2);
}

#[test]
fn replays_and_deletes_keep_one_copy_per_id() {
    let index = SearchIndex::in_memory().unwrap();
    index
        .apply(vec![doc("a", 1, "x"), doc("b", 2, "y")])
        .unwrap();
    index.commit(Checkpoint::default()).unwrap();
    // A replay of the same changes after a crash.
    index
        .apply(vec![doc("a", 1, "x"), doc("b", 2, "y")])
        .unwrap();
    index.apply(vec![IndexOp::Delete("b".into())]).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    assert_eq!(index.counts().0, 1);
    assert!(index.get("a").unwrap().is_some());
    assert!(index.get("b").unwrap().is_none());
}

#[test]
fn an_index_of_another_schema_is_rebuilt_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    {
        // An index an older version wrote: other fields, a checkpoint.
        let mut b = tantivy::schema::Schema::builder();
        let body = b.add_text_field("body", tantivy::schema::TEXT);
        let index = Index::create_in_dir(dir.path(), b.build()).unwrap();
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        writer
            .add_document(tantivy::doc!(body => "old words"))
            .unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload(r#"{"sequence":7,"entity_sequence":3}"#);
        commit.commit().unwrap();
    }
    std::fs::write(dir.path().join("notes.txt"), "not the index's").unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.checkpoint().unwrap(), Checkpoint::default());
    assert_eq!(index.searcher().num_docs(), 0);
    assert!(dir.path().join("notes.txt").exists());
    index.apply(vec![doc("a", 1, "x")]).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    assert_eq!(index.searcher().num_docs(), 1);
}

#[test]
fn an_index_of_the_same_schema_and_an_older_layout_is_rebuilt() {
    let dir = tempfile::tempdir().unwrap();
    {
        // This schema, written before the headline went into `body` too:
        // a commit payload without a layout.
        let index = Index::create_in_dir(dir.path(), Fields::build().schema).unwrap();
        let mut writer: IndexWriter = index.writer(15_000_000).unwrap();
        let mut commit = writer.prepare_commit().unwrap();
        commit.set_payload(r#"{"sequence":7,"entity_sequence":3,"generation":2}"#);
        commit.commit().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.checkpoint().unwrap(), Checkpoint::default());
    // This layout's own commits are kept across a reopen.
    index.apply(vec![doc("a", 1, "x")]).unwrap();
    let cp = Checkpoint {
        sequence: 1,
        entity_sequence: 0,
    };
    index.commit(cp).unwrap();
    index.close().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.checkpoint().unwrap(), cp);
    assert_eq!(index.searcher().num_docs(), 1);
}

fn dated(id: &str, seq: u64, body: &str) -> IndexOp {
    IndexOp::Upsert(Box::new(IndexDoc {
        id: id.into(),
        sequence: seq,
        body: body.into(),
        published_at: Some(1_770_000_000 + seq as i64 * 3_600),
        ..Default::default()
    }))
}

const QUAY: &str = "The harbour board voted to lease the northern quay to a grain trader \
    for twelve years, ending the dispute over the docks. Fishermen protested at the quay.";
const QUAY_AGAIN: &str = "Grain will be loaded at the northern quay after the harbour \
    board approved the twelve-year lease; the fishermen's protest at the docks went on.";

#[test]
fn stories_and_copies_survive_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index
            .apply(vec![
                dated("a", 1, QUAY),
                dated("b", 2, &format!("{QUAY} Updated at noon.")),
            ])
            .unwrap();
        index.commit(Checkpoint::default()).unwrap();
        let b = index.get("b").unwrap().unwrap().story.unwrap();
        assert_eq!(b.story_id, "st-1");
        assert_eq!(b.duplicate_of.unwrap().0, "a");
        index.close().unwrap();
    }
    // The window is derived from the committed documents: a report
    // applied after the restart joins the story from before it.
    let index = SearchIndex::open(dir.path()).unwrap();
    index.apply(vec![dated("c", 3, QUAY_AGAIN)]).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    let c = index.get("c").unwrap().unwrap().story.unwrap();
    assert_eq!(c.story_id, "st-1");
    assert!(c.duplicate_of.is_none());
}

#[test]
fn merged_story_ids_resolve_after_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    {
        let index = SearchIndex::open(dir.path()).unwrap();
        index.stories.lock().as_mut().unwrap().set_aliases(
            [("st-7".to_string(), "st-2".to_string())]
                .into_iter()
                .collect(),
        );
        index.commit(Checkpoint::default()).unwrap();
        index.close().unwrap();
    }
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.resolve_story("st-7"), "st-2");
    assert_eq!(
        index.story_ids("st-2"),
        (
            "st-2".to_string(),
            vec!["st-2".to_string(), "st-7".to_string()]
        )
    );
    // Stories turned off: ids stand for themselves.
    drop(index);
    let off = SearchIndex::open_with(dir.path(), None).unwrap();
    assert_eq!(off.resolve_story("st-7"), "st-7");
    off.apply(vec![dated("x", 1, QUAY)]).unwrap();
    off.commit(Checkpoint::default()).unwrap();
    assert!(off.get("x").unwrap().unwrap().story.is_none());
}

#[test]
fn a_story_listing_shows_each_commits_own_documents() {
    use crate::stories::view::{StoryListing, list_stories};
    let index = SearchIndex::in_memory().unwrap();
    let listing = StoryListing {
        query: "quay".into(),
        ..Default::default()
    };
    index
        .apply(vec![
            dated("a", 1, QUAY),
            dated("b", 2, &format!("{QUAY} Updated at noon.")),
        ])
        .unwrap();
    index.commit(Checkpoint::default()).unwrap();
    let first = list_stories(&index, &listing, 20, "").unwrap();
    assert_eq!(first.stories.len(), 1);
    assert_eq!(first.stories[0].document_count, 2);
    // The same listing again (from the commit's cache) is the same.
    let again = list_stories(&index, &listing, 20, "").unwrap();
    assert_eq!(again.stories, first.stories);
    // A new commit's listing counts the article it added.
    index.apply(vec![dated("c", 3, QUAY_AGAIN)]).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    let after = list_stories(&index, &listing, 20, "").unwrap();
    assert_eq!(after.stories.len(), 1);
    assert_eq!(after.stories[0].document_count, 3);
    assert_eq!(after.stories[0].document_ids, vec!["a", "b", "c"]);
}

#[test]
fn story_pages_follow_one_order_to_the_end() {
    use crate::stories::view::{StoryListing, StoryOrder, list_stories};
    let index = SearchIndex::in_memory().unwrap();
    // Different events a month and more apart: a story each.
    let towns = [
        "Arvelle", "Brisk", "Colmar", "Dunmore", "Esker", "Fallow", "Garth", "Hollin", "Ivel",
    ];
    let ops = towns
        .iter()
        .enumerate()
        .map(|(i, town)| {
            let body = format!(
                "{town} council closed its quay for repairs after the {town} storm; \
                 {town} traders moved their stalls inland."
            );
            dated(&format!("d{i}"), 1 + i as u64 * 1_000, &body)
        })
        .collect();
    index.apply(ops).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    for order in [StoryOrder::Recent, StoryOrder::Size] {
        let listing = StoryListing {
            query: "quay".into(),
            order,
            ..Default::default()
        };
        let whole = list_stories(&index, &listing, 100, "").unwrap();
        assert_eq!(whole.stories.len(), 9);
        assert_eq!(whole.total_stories, 9);
        assert!(whole.next_page_token.is_empty());
        let mut paged = Vec::new();
        let mut token = String::new();
        loop {
            let page = list_stories(&index, &listing, 2, &token).unwrap();
            assert_eq!(page.total_stories, 9);
            paged.extend(page.stories.into_iter().map(|s| s.id));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let ids: Vec<String> = whole.stories.into_iter().map(|s| s.id).collect();
        assert_eq!(paged, ids, "{order:?}");
    }
    // Newest first: the last article's story leads.
    let recent = list_stories(
        &index,
        &StoryListing {
            query: "quay".into(),
            ..Default::default()
        },
        1,
        "",
    )
    .unwrap();
    assert_eq!(recent.stories[0].document_ids, vec!["d8"]);
}

#[test]
fn story_listings_break_ties_by_id_and_sizes_by_recency() {
    use crate::stories::view::{StoryListing, StoryOrder, list_stories};
    let at = |id: &str, hour: i64, body: &str| {
        IndexOp::Upsert(Box::new(IndexDoc {
            id: id.into(),
            sequence: hour as u64,
            body: body.into(),
            published_at: Some(1_770_000_000 + hour * 3_600),
            ..Default::default()
        }))
    };
    const ORCHARD: &str = "Frost ruined half the apple orchard above the valley; growers \
        counted blackened blossom on every terrace and asked the province for relief.";
    const TELESCOPE: &str = "Astronomers at the mountain observatory fitted a new mirror to \
        the old telescope, and the first images of the comet reached the university.";
    const FERRY: &str = "The island ferry ran aground on a sandbar at low tide; passengers \
        waited five hours before a tug pulled the vessel free.";
    let index = SearchIndex::in_memory().unwrap();
    // Two stories of two articles ending at hour 200, one of one article
    // ending then too, and one of one article at hour 300.
    index
        .apply(vec![
            at("quay-1", 100, QUAY),
            at("quay-2", 200, QUAY_AGAIN),
            at("orchard-1", 50, ORCHARD),
            at("orchard-2", 200, &format!("{ORCHARD} Updated at noon.")),
            at("telescope", 200, TELESCOPE),
            at("ferry", 300, FERRY),
        ])
        .unwrap();
    index.commit(Checkpoint::default()).unwrap();
    let listing = |order| StoryListing {
        query: "quay OR orchard OR telescope OR ferry".into(),
        order,
        ..Default::default()
    };
    let first_doc = |story: &crate::stories::view::Story| story.document_ids[0].clone();
    let recent = list_stories(&index, &listing(StoryOrder::Recent), 10, "").unwrap();
    assert_eq!(recent.total_stories, 4, "four stories");
    let ids: Vec<&str> = recent.stories.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(first_doc(&recent.stories[0]), "ferry", "the latest first");
    // Three stories end at hour 200: by id.
    let mut tied = ids[1..].to_vec();
    tied.sort_unstable();
    assert_eq!(ids[1..], tied[..], "ties in recency go by id");

    let by_size = list_stories(&index, &listing(StoryOrder::Size), 10, "").unwrap();
    let sizes: Vec<u32> = by_size.stories.iter().map(|s| s.document_count).collect();
    assert_eq!(sizes, [2, 2, 1, 1]);
    // The two stories of two end together: by id.
    assert!(
        by_size.stories[0].id < by_size.stories[1].id,
        "ties in size and recency go by id"
    );
    // Of the stories of one article, the later first.
    assert_eq!(first_doc(&by_size.stories[2]), "ferry");
    assert_eq!(first_doc(&by_size.stories[3]), "telescope");

    // Pages of one story follow the same order.
    for (order, whole) in [(StoryOrder::Recent, &recent), (StoryOrder::Size, &by_size)] {
        let mut token = String::new();
        let mut paged = Vec::new();
        loop {
            let page = list_stories(&index, &listing(order), 1, &token).unwrap();
            paged.extend(page.stories.into_iter().map(|s| s.id));
            if page.next_page_token.is_empty() {
                break;
            }
            token = page.next_page_token;
        }
        let whole: Vec<String> = whole.stories.iter().map(|s| s.id.clone()).collect();
        assert_eq!(paged, whole, "{order:?}");
    }
}

#[test]
fn finished_merges_show_without_a_commit() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    for i in 0..3u64 {
        index
            .apply(vec![dated(&format!("m{i}"), i + 1, QUAY)])
            .unwrap();
        index.commit(Checkpoint::default()).unwrap();
    }
    let segments = |index: &SearchIndex| index.searcher().segment_readers().len();
    assert!(segments(&index) > 1);
    // Nothing merged yet: nothing to show.
    assert!(!index.show_finished_merges().unwrap());
    index.merge_all_segments().unwrap();
    // The merge is committed, but the reader still shows the old segments.
    assert!(segments(&index) > 1);
    assert!(index.show_finished_merges().unwrap());
    assert_eq!(segments(&index), 1);
    assert_eq!(index.searcher().num_docs(), 3);
    assert!(!index.show_finished_merges().unwrap());
}

#[test]
fn small_segments_fold_into_one_under_the_same_checkpoint() {
    let dir = tempfile::tempdir().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    let checkpoint = Checkpoint {
        sequence: 3,
        entity_sequence: 7,
    };
    for i in 0..3u64 {
        index
            .apply(vec![dated(&format!("f{i}"), i + 1, QUAY)])
            .unwrap();
        index.commit(checkpoint).unwrap();
    }
    let segments = |index: &SearchIndex| index.searcher().segment_readers().len();
    assert_eq!(segments(&index), 3);
    assert!(index.fold_small_segments().unwrap());
    // The fold runs in the background; its segment shows once it ends.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while segments(&index) > 1 && std::time::Instant::now() < deadline {
        std::thread::sleep(std::time::Duration::from_millis(20));
        index.show_finished_merges().unwrap();
    }
    assert_eq!(segments(&index), 1, "three small segments folded into one");
    assert_eq!(index.searcher().num_docs(), 3);
    assert_eq!(index.checkpoint().unwrap(), checkpoint);
    // Nothing left to fold: no merge, no change.
    assert!(!index.fold_small_segments().unwrap());
    std::thread::sleep(std::time::Duration::from_millis(100));
    assert!(!index.show_finished_merges().unwrap());
    assert_eq!(segments(&index), 1);
    index.close().unwrap();
    let index = SearchIndex::open(dir.path()).unwrap();
    assert_eq!(index.checkpoint().unwrap(), checkpoint);
    assert_eq!(index.counts().0, 3);
}

#[test]
fn a_small_index_searches_on_the_calling_thread_whatever_the_query_threads() {
    let mut index = SearchIndex::in_memory().unwrap();
    index.set_query_threads(2).unwrap();
    index.apply(vec![doc("a", 1, "x")]).unwrap();
    index.commit(Checkpoint::default()).unwrap();
    let searcher = index.searcher();
    assert!(matches!(
        index.index().search_executor(),
        Executor::ThreadPool(_)
    ));
    assert!(matches!(
        index.executor_for(&searcher),
        Executor::SingleThread
    ));
}
