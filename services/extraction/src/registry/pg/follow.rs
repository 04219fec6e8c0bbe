//! The follower: one thread per replica that LISTENs for registry commits
//! and loads the entity records they changed into memory, then tells local
//! watchers the newest change sequence.
//!
//! A notification only says "something changed"; the revision counter in
//! the database says what to load, so a lost notification costs latency,
//! never data: the thread also reads the counter every [`POLL`].

use std::sync::{Arc, Weak};
use std::time::Duration;

use parking_lot::{Mutex, RwLock};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, Config, NoTls};
use tokio::sync::watch;

use super::{CHANNEL, catch_up_outside_writes, load};
use crate::registry::error::{RegistryError, Result};
use crate::registry::state::State;

/// The longest the follower waits before reading the counter anyway; also
/// how soon it notices that its registry was dropped.
const POLL: Duration = Duration::from_secs(1);

pub(super) fn run(
    config: Config,
    state: Weak<RwLock<State>>,
    writer: Arc<Mutex<()>>,
    changes: Arc<watch::Sender<u64>>,
) {
    let mut listener: Option<Client> = None;
    loop {
        if state.strong_count() == 0 {
            return;
        }
        let client = match listener.take() {
            Some(client) if !client.is_closed() => client,
            _ => match listen(&config) {
                Ok(client) => client,
                Err(e) => {
                    tracing::debug!(error = %e, "registry follower cannot LISTEN yet");
                    std::thread::sleep(POLL);
                    continue;
                }
            },
        };
        let mut client = client;
        let woke = client.notifications().timeout_iter(POLL).next();
        // Several commits may have arrived together: one catch-up serves all.
        let drained = woke.and_then(|_| client.notifications().iter().count());
        if let Err(e) = drained {
            tracing::warn!(error = %e, "registry follower lost its connection; reconnecting");
            continue;
        }
        let Some(state) = state.upgrade() else {
            return;
        };
        match sync(&mut client, &state, &writer, &changes) {
            Ok(()) => listener = Some(client),
            Err(e) => {
                tracing::warn!(error = %e, "registry follower cannot catch up");
                if !matches!(e, RegistryError::Unavailable(_)) {
                    listener = Some(client);
                }
            }
        }
    }
}

fn listen(config: &Config) -> Result<Client> {
    let mut client = config.connect(NoTls)?;
    client.batch_execute(&format!("LISTEN {CHANNEL}"))?;
    Ok(client)
}

/// Loads what other replicas committed since memory was current, then
/// publishes the newest change sequence.
fn sync(
    client: &mut Client,
    state: &RwLock<State>,
    writer: &Mutex<()>,
    changes: &watch::Sender<u64>,
) -> Result<()> {
    if state.read().stale {
        // A failed batch left uncommitted changes in memory: start over.
        let _w = writer.lock();
        let (fresh, _) = load(client)?;
        *state.write() = fresh;
    }
    let sequence = catch_up_outside_writes(client, state, writer)?;
    changes.send_if_modified(|cur| {
        let newer = sequence > *cur;
        if newer {
            *cur = sequence;
        }
        newer
    });
    Ok(())
}
