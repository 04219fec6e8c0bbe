//! The client's deadline (the `grpc-timeout` request header) for work that
//! outlives the handler.
//!
//! tonic applies `grpc-timeout` to the future that produces the response
//! *head* only: a response stream runs on past the deadline, and on after the
//! client has gone, as long as something reads it. Handlers read the timeout
//! with [`timeout`] and wrap their response stream in [`Deadlined`].

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep, sleep_until};
use tokio_stream::Stream;
use tonic::Status;
use tonic::metadata::MetadataMap;

/// The spec allows at most 8 digits, which also keeps the value from
/// overflowing.
const MAX_TIMEOUT_DIGITS: usize = 8;

/// The timeout the client sent in `grpc-timeout`, if any. A malformed header
/// is ignored, as tonic's own layer ignores it.
pub fn timeout(metadata: &MetadataMap) -> Option<Duration> {
    let value = metadata.get("grpc-timeout")?.to_str().ok()?;
    let (digits, unit) = value.split_at(value.len().checked_sub(1)?);
    if digits.is_empty() || digits.len() > MAX_TIMEOUT_DIGITS {
        return None;
    }
    if !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: u64 = digits.parse().ok()?;
    Some(match unit {
        "H" => Duration::from_secs(n * 3600),
        "M" => Duration::from_secs(n * 60),
        "S" => Duration::from_secs(n),
        "m" => Duration::from_millis(n),
        "u" => Duration::from_micros(n),
        "n" => Duration::from_nanos(n),
        _ => return None,
    })
}

/// A response stream that ends with `status` (DEADLINE_EXCEEDED) once its
/// deadline passes, whatever is still buffered, and also when the producer
/// stops at the deadline before the timer has fired: work cut short is never
/// a clean end. Dropping it (when the status has gone out, or the client
/// left) closes the inner stream, which stops the work feeding it.
pub struct Deadlined<S> {
    inner: S,
    timer: Option<Timer>,
    done: bool,
}

struct Timer {
    sleep: Pin<Box<Sleep>>,
    deadline: Instant,
    status: Status,
}

impl<S> Deadlined<S> {
    /// `None`: no deadline, the stream passes through.
    pub fn new(inner: S, deadline: Option<Instant>, status: Status) -> Self {
        Self {
            inner,
            timer: deadline.map(|deadline| Timer {
                sleep: Box::pin(sleep_until(deadline)),
                deadline,
                status,
            }),
            done: false,
        }
    }
}

impl<S, T> Stream for Deadlined<S>
where
    S: Stream<Item = Result<T, Status>> + Unpin,
{
    type Item = Result<T, Status>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        if self.done {
            return Poll::Ready(None);
        }
        // The deadline first: past it, items already queued are not sent.
        if let Some(timer) = &mut self.timer
            && timer.sleep.as_mut().poll(cx).is_ready()
        {
            let status = timer.status.clone();
            self.done = true;
            return Poll::Ready(Some(Err(status)));
        }
        let next = Pin::new(&mut self.inner).poll_next(cx);
        if let Poll::Ready(None) = next {
            self.done = true;
            if let Some(timer) = &self.timer
                && Instant::now() >= timer.deadline
            {
                return Poll::Ready(Some(Err(timer.status.clone())));
            }
        }
        next
    }
}

#[cfg(test)]
mod tests {
    use tokio_stream::StreamExt;

    use super::*;

    #[test]
    fn timeouts_parse_as_the_spec_says() {
        let parse = |v: &str| {
            let mut m = MetadataMap::new();
            m.insert("grpc-timeout", v.parse().unwrap());
            timeout(&m)
        };
        assert_eq!(parse("5S"), Some(Duration::from_secs(5)));
        assert_eq!(parse("250m"), Some(Duration::from_millis(250)));
        assert_eq!(parse("2H"), Some(Duration::from_secs(7200)));
        assert_eq!(parse("99999999n"), Some(Duration::from_nanos(99_999_999)));
        for bad in ["", "S", "5", "5x", "123456789S", "-1S", "1.5S"] {
            assert_eq!(parse(bad), None, "{bad:?}");
        }
        assert_eq!(timeout(&MetadataMap::new()), None);
    }

    #[tokio::test(start_paused = true)]
    async fn the_stream_ends_with_the_status_at_the_deadline() {
        let forever = tokio_stream::iter(0u32..).then(|n| async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            Ok::<_, Status>(n)
        });
        let deadline = Instant::now() + Duration::from_millis(95);
        let mut s = Deadlined::new(
            Box::pin(forever),
            Some(deadline),
            Status::deadline_exceeded("too late"),
        );
        let mut items = 0;
        let end = loop {
            match s.next().await {
                Some(Ok(_)) => items += 1,
                Some(Err(status)) => break status,
                None => panic!("ended without an error"),
            }
        };
        assert_eq!(end.code(), tonic::Code::DeadlineExceeded);
        assert_eq!(end.message(), "too late");
        assert!((8..=10).contains(&items), "{items}");
        assert!(s.next().await.is_none());

        // The producer gave up at the deadline before the timer fired.
        let past = Instant::now();
        tokio::time::advance(Duration::from_millis(1)).await;
        let empty = tokio_stream::iter(Vec::<Result<u32, Status>>::new());
        let mut cut = Deadlined::new(empty, Some(past), Status::deadline_exceeded("cut"));
        let end = cut.next().await.unwrap().unwrap_err();
        assert_eq!(end.code(), tonic::Code::DeadlineExceeded);

        let short = tokio_stream::iter([Ok::<_, Status>(1), Ok(2)]);
        let later = Instant::now() + Duration::from_secs(1);
        let all: Vec<_> = Deadlined::new(short, Some(later), Status::deadline_exceeded(""))
            .collect()
            .await;
        assert_eq!(all.len(), 2);
    }

    #[tokio::test]
    async fn dropping_the_stream_closes_the_producer() {
        let (tx, rx) = tokio::sync::mpsc::channel::<Result<u32, Status>>(4);
        let deadline = Instant::now() + Duration::from_secs(60);
        let stream = Deadlined::new(
            tokio_stream::wrappers::ReceiverStream::new(rx),
            Some(deadline),
            Status::deadline_exceeded(""),
        );
        drop(stream);
        assert!(tx.is_closed(), "the producer sees the stream is gone");
    }
}
