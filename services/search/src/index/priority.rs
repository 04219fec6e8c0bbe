//! Merges yield the CPU to queries.
//!
//! On a two-core box the merges that follow a bulk load (a level merges when
//! its segments pile up or grow 30% deleted, see `merges`) run beside the
//! first queries and take a core from them: right after indexing 100,000
//! articles, boolean and ListStories p99 were above 6 ms while the settled
//! index answered under 2.5 ms (issue 19). Lucene's merge scheduler offered
//! a merge thread priority for the same reason. tantivy names its merge
//! threads but gives no hook to set their priority, so each commit lowers
//! the priority of the threads of that name it finds in this process (a
//! read of `/proc/self/task`, microseconds beside a commit's fsyncs).
//! `dossier-merge-priority-bench` measured boolean p99 beside a merge at
//! 0.69 ms as they were and 0.30 ms lowered (0.25–0.29 on an idle index).

/// Name prefix tantivy gives its merge threads.
const MERGE_THREAD_PREFIX: &str = "merge_thread_";

/// Nice value of merge threads. At 10 a thread's scheduler weight is 110
/// against 1,024 at 0, so a query contending with a merge for one core gets
/// about nine tenths of it; with nothing to contend with, merges run at
/// full speed.
pub const MERGE_THREAD_NICE: i32 = 10;

/// Lowers the scheduling priority of every merge thread of this process
/// (idempotent; threads started since the last call are found too). A
/// failure costs only the priority, so it is logged, not returned. Public
/// for `dossier-merge-priority-bench`, which measures what it buys.
pub fn lower_merge_threads() {
    #[cfg(target_os = "linux")]
    if let Err(error) = linux::renice_threads(MERGE_THREAD_PREFIX, MERGE_THREAD_NICE) {
        tracing::debug!(%error, "cannot lower the merge threads' priority");
    }
}

#[cfg(target_os = "linux")]
mod linux {
    use std::io;

    /// Sets the nice value of each thread of this process whose name starts
    /// with `prefix` and whose priority is higher.
    pub(super) fn renice_threads(prefix: &str, nice: i32) -> io::Result<()> {
        use rustix::process::{Pid, getpriority_process, setpriority_process};
        for task in std::fs::read_dir("/proc/self/task")? {
            let task = task?;
            let Some(tid) = task
                .file_name()
                .to_str()
                .and_then(|name| name.parse().ok())
                .and_then(Pid::from_raw)
            else {
                continue;
            };
            // A thread that ended since the listing has no `comm`: skip it.
            let Ok(name) = std::fs::read_to_string(task.path().join("comm")) else {
                continue;
            };
            if !name.starts_with(prefix) {
                continue;
            }
            // On Linux, PRIO_PROCESS with a thread id reads or sets that one
            // thread's nice value. A thread already at `nice` or lower stays
            // as it is (raising its priority again would need a privilege).
            let done = match getpriority_process(Some(tid)) {
                Ok(now) if now < nice => setpriority_process(Some(tid), nice),
                other => other.map(drop),
            };
            match done {
                // The thread ended meanwhile.
                Err(rustix::io::Errno::SRCH) => continue,
                done => done?,
            }
        }
        Ok(())
    }

    #[cfg(test)]
    /// The nice value of thread `tid`, read from its `stat` (field 19).
    pub(super) fn nice_of(tid: &str) -> Option<i32> {
        nice_in(&format!("/proc/self/task/{tid}/stat"))
    }

    #[cfg(test)]
    /// The nice value in the `stat` file at `path`.
    pub(super) fn nice_in(path: &str) -> Option<i32> {
        let stat = std::fs::read_to_string(path).ok()?;
        // The name (field 2) is in parentheses and may hold spaces.
        let after_name = &stat[stat.rfind(')')? + 2..];
        after_name.split(' ').nth(16)?.parse().ok()
    }

    #[cfg(test)]
    /// Thread ids of this process whose name starts with `prefix`.
    pub(super) fn threads_named(prefix: &str) -> Vec<String> {
        std::fs::read_dir("/proc/self/task")
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|task| {
                let name = std::fs::read_to_string(task.path().join("comm")).ok()?;
                name.starts_with(prefix)
                    .then(|| task.file_name().to_string_lossy().into_owned())
            })
            .collect()
    }
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use std::time::{Duration, Instant};

    use super::*;
    use crate::index::SearchIndex;

    #[test]
    fn a_commit_lowers_the_merge_threads_and_no_other() {
        // The test may itself run at a lower priority than 0.
        let own = linux::nice_in("/proc/thread-self/stat").unwrap();
        let index = SearchIndex::in_memory().unwrap();
        // rayon names its threads as they start: wait until they have.
        let deadline = Instant::now() + Duration::from_secs(10);
        while linux::threads_named(MERGE_THREAD_PREFIX).is_empty() {
            assert!(Instant::now() < deadline, "no merge thread started");
            std::thread::sleep(Duration::from_millis(10));
        }
        index.commit(Default::default()).unwrap();
        let merge_threads = linux::threads_named(MERGE_THREAD_PREFIX);
        for tid in &merge_threads {
            assert_eq!(
                linux::nice_of(tid),
                Some(MERGE_THREAD_NICE.max(own)),
                "merge thread {tid}"
            );
        }
        let others = linux::threads_named("");
        assert!(others.len() > merge_threads.len());
        for tid in others.iter().filter(|tid| !merge_threads.contains(tid)) {
            assert_eq!(linux::nice_of(tid), Some(own), "thread {tid}");
        }
    }
}
