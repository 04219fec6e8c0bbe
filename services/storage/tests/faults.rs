//! Disk faults of the embedded store, on a real filesystem: a full disk and a
//! read-only data directory. Each needs a small tmpfs mounted by the test
//! (root with CAP_SYS_ADMIN, as on the development and CI machines); where
//! the sandbox forbids mounting, the test says `SKIPPED` and why.
//!
//! Permission bits cannot stand in for read-only here (root ignores them),
//! and a mounted filesystem cannot be remounted read-only while the store
//! holds its file open for writing (EBUSY), so the read-only case covers a
//! store started on a read-only directory.

mod support;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use dossier_proto::v1 as pb;
use support::{Server, TestStore, article, create};
use tonic::Code;

/// A tmpfs mounted for one test, unmounted when dropped.
struct Tmpfs {
    _dir: tempfile::TempDir,
    path: PathBuf,
}

impl Tmpfs {
    fn mount(size: &str) -> Option<Self> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("mnt");
        std::fs::create_dir(&path).unwrap();
        let output = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&path)
            .output();
        match output {
            Ok(out) if out.status.success() => Some(Self { _dir: dir, path }),
            Ok(out) => {
                eprintln!(
                    "SKIPPED: cannot mount a tmpfs to simulate disk faults ({}); needs root with CAP_SYS_ADMIN",
                    String::from_utf8_lossy(&out.stderr).trim()
                );
                None
            }
            Err(err) => {
                eprintln!("SKIPPED: cannot run mount to simulate disk faults: {err}");
                None
            }
        }
    }

    fn remount(&self, mode: &str) {
        let status = Command::new("mount")
            .args(["-o", &format!("remount,{mode}")])
            .arg(&self.path)
            .status()
            .unwrap();
        assert!(status.success(), "remount {mode}");
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.path).status();
    }
}

/// Fills the filesystem of `dir` to the last byte.
fn fill(path: &Path) {
    let mut file = std::fs::File::create(path).unwrap();
    let chunk = vec![0u8; 64 * 1024];
    while file.write_all(&chunk).is_ok() {}
    let mut small = [0u8; 512];
    while file.write_all(&small).is_ok() {
        small[0] = small[0].wrapping_add(1);
    }
}

fn big_article(n: usize) -> pb::Document {
    let mut doc = article("gazette", n);
    doc.body = format!("{n} {}", "The council met again. ".repeat(6_000));
    doc
}

fn store_in(path: &Path) -> TestStore {
    let mut store = TestStore::embedded();
    store.dir = tempfile::tempdir_in(path).unwrap();
    store
}

async fn get(client: &mut support::Client, id: &str) -> Result<pb::Document, tonic::Status> {
    client
        .get_document(pb::GetDocumentRequest { id: id.into() })
        .await
        .map(|r| r.into_inner())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_gives_unavailable_and_writes_resume_once_space_is_back() {
    let Some(fs) = Tmpfs::mount("8m") else { return };
    let store = store_in(&fs.path);
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let mut acked = Vec::new();
    for n in 0..3 {
        acked.push(create(&mut client, big_article(n), "").await.unwrap());
    }
    let filler = fs.path.join("filler");
    fill(&filler);

    // Writes fail with UNAVAILABLE naming the cause, never INTERNAL, and the
    // server keeps answering.
    let mut refused = None;
    for n in 3..60 {
        match create(&mut client, big_article(n), &format!("r{n}")).await {
            Ok(doc) => acked.push(doc),
            Err(status) => {
                refused = Some((n, status));
                break;
            }
        }
    }
    let (failed_n, status) = refused.expect("a write fails once the disk is full");
    assert_eq!(status.code(), Code::Unavailable, "{status:?}");
    assert!(status.message().contains("disk is full"), "{status:?}");
    let again = create(&mut client, big_article(failed_n), &format!("r{failed_n}")).await;
    assert_eq!(again.unwrap_err().code(), Code::Unavailable);

    // Reads keep working while the disk is full.
    for doc in &acked {
        assert_eq!(&get(&mut client, &doc.id).await.unwrap(), doc);
    }

    // Space comes back: the same request succeeds, without a restart.
    std::fs::remove_file(&filler).unwrap();
    let retried = create(&mut client, big_article(failed_n), &format!("r{failed_n}"))
        .await
        .expect("writes resume once space is back");
    acked.push(retried);
    acked.push(create(&mut client, big_article(100), "").await.unwrap());
    drop(client);
    server.stop().await;

    // Nothing acknowledged was lost or damaged, and the sequence has no gap.
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    for doc in &acked {
        assert_eq!(&get(&mut client, &doc.id).await.unwrap(), doc);
    }
    let status = client
        .get_storage_status(pb::GetStorageStatusRequest {})
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.document_count, acked.len() as u64);
    assert_eq!(status.last_sequence, acked.len() as u64);
    server.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_read_only_data_directory_is_refused_clearly_then_recovers() {
    let Some(fs) = Tmpfs::mount("16m") else {
        return;
    };
    let store = store_in(&fs.path);
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    let kept = create(&mut client, article("gazette", 1), "")
        .await
        .unwrap();
    drop(client);
    server.stop().await;

    fs.remount("ro");
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let refused = tokio::time::timeout(
        std::time::Duration::from_secs(10),
        dossier_storage::serve(store.config(), listener, dossier_kit::Shutdown::new()),
    )
    .await
    .expect("start-up on a read-only directory fails instead of hanging")
    .unwrap_err();
    let message = format!("{refused:#}");
    assert!(message.contains("not writable"), "{message}");
    assert!(message.contains("Read-only file system"), "{message}");

    fs.remount("rw");
    let server = Server::start(&store).await;
    let mut client = server.client().await;
    assert_eq!(get(&mut client, &kept.id).await.unwrap(), kept);
    create(&mut client, article("gazette", 2), "")
        .await
        .unwrap();
    server.stop().await;
}
