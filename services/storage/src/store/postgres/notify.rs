//! LISTEN for commits of any storage replica on this database and publish
//! the newest sequence to local watchers.
//!
//! The wake-up only says "the head is now N"; watchers read the changes from
//! the database, so a lost notification costs latency, never data: after
//! every (re)connect the listener reads the head row, and while the
//! connection is down it polls the head every second.

use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt;
use tokio::sync::watch;
use tokio_postgres::{AsyncMessage, NoTls};

use super::writer::CHANNEL;

/// How often the head is read while LISTEN is not connected.
const POLL_WHILE_DOWN: Duration = Duration::from_secs(1);

/// Follows the database until aborted.
pub(super) async fn listen(
    config: tokio_postgres::Config,
    pool: deadpool_postgres::Pool,
    committed: Arc<watch::Sender<u64>>,
) {
    loop {
        match config.connect(NoTls).await {
            Ok((client, mut connection)) => {
                let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
                let driver = tokio::spawn(async move {
                    let mut messages =
                        futures::stream::poll_fn(move |cx| connection.poll_message(cx));
                    while let Some(Ok(message)) = messages.next().await {
                        if let AsyncMessage::Notification(note) = message {
                            let _ = tx.send(note.payload().to_string());
                        }
                    }
                });
                if client
                    .batch_execute(&format!("LISTEN {CHANNEL}"))
                    .await
                    .is_ok()
                {
                    tracing::debug!("listening for commits");
                    if let Ok(row) = client
                        .query_one("SELECT last_sequence FROM dossier_head", &[])
                        .await
                    {
                        publish(&committed, row.get(0));
                    }
                    while let Some(payload) = rx.recv().await {
                        if let Ok(sequence) = payload.parse::<i64>() {
                            publish(&committed, sequence);
                        }
                    }
                }
                driver.abort();
                tracing::warn!("lost the LISTEN connection to the database; reconnecting");
            }
            Err(err) => {
                tracing::debug!(error = %err, "cannot LISTEN yet");
            }
        }
        tokio::time::sleep(POLL_WHILE_DOWN).await;
        if let Ok(client) = pool.get().await
            && let Ok(row) = client
                .query_one("SELECT last_sequence FROM dossier_head", &[])
                .await
        {
            publish(&committed, row.get(0));
        }
    }
}

fn publish(committed: &watch::Sender<u64>, sequence: i64) {
    let sequence = u64::try_from(sequence).unwrap_or(0);
    committed.send_if_modified(|head| {
        let newer = sequence > *head;
        *head = (*head).max(sequence);
        newer
    });
}
