//! Wake-ups for the streams of each watch.
//!
//! A stream never receives matches through here, only "watch W matched
//! something new (at sequence N)": it then reads the matches above its
//! position from the index itself. As in storage's change feed, a `tokio::sync::watch` channel
//! keeps only the newest value, so a slow stream cannot lag behind and lose
//! anything (the index holds every match), and memory per watch is one
//! number however far behind its clients are. A watch's channel exists
//! while it has a stream; deleting the watch drops it, which wakes its
//! streams to end.

use std::collections::HashMap;

use parking_lot::Mutex;
use tokio::sync::watch;

#[derive(Default)]
pub struct Hub {
    channels: Mutex<HashMap<String, watch::Sender<u64>>>,
}

impl Hub {
    /// A wake-up receiver for watch `id` (its value: the newest sequence a
    /// batch matched).
    pub fn subscribe(&self, id: &str) -> watch::Receiver<u64> {
        let mut channels = self.channels.lock();
        match channels.get(id) {
            Some(sender) => sender.subscribe(),
            None => {
                let (sender, receiver) = watch::channel(0);
                channels.insert(id.to_string(), sender);
                receiver
            }
        }
    }

    /// Forgets watch `id`'s channel once no stream holds a receiver (call
    /// after dropping one).
    pub fn release(&self, id: &str) {
        let mut channels = self.channels.lock();
        if channels.get(id).is_some_and(|s| s.receiver_count() == 0) {
            channels.remove(id);
        }
    }

    /// Wakes the streams of watch `id` for a match at `sequence` (every
    /// call wakes them: after a rebuild, sequences start again from 0).
    /// Watches without streams cost a map lookup.
    pub fn notify(&self, id: &str, sequence: u64) {
        if let Some(sender) = self.channels.lock().get(id) {
            sender.send_replace(sequence);
        }
    }

    /// Ends the wake-ups of a deleted watch: its streams wake and find it
    /// gone.
    pub fn close(&self, id: &str) {
        self.channels.lock().remove(id);
    }

    /// Watches with at least one stream.
    pub fn followed(&self) -> usize {
        self.channels.lock().len()
    }

    /// The ids of the watches with at least one stream.
    pub fn followed_ids(&self) -> std::collections::HashSet<String> {
        self.channels.lock().keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn wakes_for_its_watch_and_closes_on_delete() {
        let hub = Hub::default();
        let mut rx = hub.subscribe("wt-1");
        hub.notify("wt-2", 9);
        assert!(
            !rx.has_changed().unwrap(),
            "another watch's match wakes no one"
        );
        hub.notify("wt-1", 5);
        assert_eq!(*rx.borrow_and_update(), 5);
        hub.notify("wt-1", 3);
        assert!(
            rx.has_changed().unwrap(),
            "a rebuild's older sequences wake too"
        );
        rx.borrow_and_update();
        hub.close("wt-1");
        assert!(
            rx.changed().await.is_err(),
            "a deleted watch ends its streams"
        );
        drop(rx);
        hub.release("wt-1");
        assert_eq!(hub.followed(), 0);
    }

    #[test]
    fn a_channel_lives_while_a_stream_holds_it() {
        let hub = Hub::default();
        let first = hub.subscribe("wt-1");
        let second = hub.subscribe("wt-1");
        drop(first);
        hub.release("wt-1");
        assert_eq!(hub.followed(), 1);
        drop(second);
        hub.release("wt-1");
        assert_eq!(hub.followed(), 0);
    }
}
