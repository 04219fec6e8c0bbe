//! The client's deadline (the `grpc-timeout` request header), enforced by
//! the handlers themselves.
//!
//! tonic applies `grpc-timeout` to the future that produces the response
//! *head* only: a response stream runs on past the deadline, and on after the
//! client has gone, as long as something reads it; a unary call that runs
//! past it is answered CANCELLED ("Timeout expired") while its work goes on.
//! Handlers read their deadline with [`stream_deadline`] or
//! [`unary_deadline`], stop their work when it passes ([`within`],
//! [`passed`]), wrap response streams in [`Deadlined`], and answer
//! DEADLINE_EXCEEDED ([`exceeded`]).
//!
//! The deadline counts from the request's arrival, stamped by [`stamp`] (an
//! interceptor every server installs through `grpc::edge`, which runs before
//! the body is read and decoded, as tonic's own timer does), so a large
//! request's transfer time counts against it.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tokio::time::{Instant, Sleep, sleep_until};
use tokio_stream::Stream;
use tonic::metadata::MetadataMap;
use tonic::{Request, Status};

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

/// How much earlier than the transport's own timer a unary handler answers,
/// so the client gets our DEADLINE_EXCEEDED rather than tonic's CANCELLED
/// ("Timeout expired"): the two timers start microseconds apart and fire on
/// millisecond ticks. At most a quarter of the timeout.
const UNARY_LEAD: Duration = Duration::from_millis(10);

/// When a request arrived, put in its extensions by [`stamp`].
#[derive(Debug, Clone, Copy)]
struct Arrived(Instant);

/// The interceptor that stamps each request with its arrival time.
pub fn stamp(mut request: Request<()>) -> Result<Request<()>, Status> {
    request.extensions_mut().insert(Arrived(Instant::now()));
    Ok(request)
}

/// The request's arrival, or now when it was not stamped.
pub fn arrival<T>(request: &Request<T>) -> Instant {
    request
        .extensions()
        .get::<Arrived>()
        .map_or_else(Instant::now, |a| a.0)
}

/// The instant a stream handler must stop by.
pub fn stream_deadline<T>(request: &Request<T>) -> Option<Instant> {
    timeout(request.metadata()).map(|t| arrival(request) + t)
}

/// The instant a unary handler answers by: slightly before the transport's
/// own timer (see [`UNARY_LEAD`]).
pub fn unary_deadline<T>(request: &Request<T>) -> Option<Instant> {
    timeout(request.metadata()).map(|t| arrival(request) + t - UNARY_LEAD.min(t / 4))
}

/// Whether `deadline` has passed.
pub fn passed(deadline: Option<Instant>) -> bool {
    deadline.is_some_and(|d| Instant::now() >= d)
}

/// The status of a call `rpc` whose deadline passed.
pub fn exceeded(rpc: &str) -> Status {
    exceeded_with(rpc, "allow more time")
}

/// As [`exceeded`], with what the client can do about it (a sentence
/// without its capital, or empty).
pub fn exceeded_with(rpc: &str, advice: &str) -> Status {
    let mut message =
        format!("the deadline (grpc-timeout) passed before {rpc} finished; the work was stopped");
    let mut chars = advice.chars();
    if let Some(first) = chars.next() {
        message.push_str(". ");
        message.extend(first.to_uppercase());
        message.push_str(chars.as_str());
    }
    Status::deadline_exceeded(message)
}

/// Runs `work` until `deadline`, then gives up with
/// [`exceeded_with`]`(rpc, advice)`.
pub async fn within<T>(
    rpc: &str,
    advice: &str,
    deadline: Option<Instant>,
    work: impl Future<Output = Result<T, Status>>,
) -> Result<T, Status> {
    let Some(deadline) = deadline else {
        return work.await;
    };
    tokio::time::timeout_at(deadline, work)
        .await
        .unwrap_or_else(|_| Err(exceeded_with(rpc, advice)))
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

    #[test]
    fn the_status_names_the_rpc_and_the_advice() {
        let end = exceeded_with("Test", "send less");
        assert_eq!(end.code(), tonic::Code::DeadlineExceeded);
        assert_eq!(
            end.message(),
            "the deadline (grpc-timeout) passed before Test finished; the work was stopped. Send less"
        );
        assert!(exceeded("Test").message().ends_with("Allow more time"));
    }

    #[tokio::test]
    async fn within_gives_up_at_the_deadline() {
        let deadline = Some(Instant::now() + Duration::from_millis(10));
        let slow = async {
            tokio::time::sleep(Duration::from_secs(60)).await;
            Ok(())
        };
        let err = within("Extract", "", deadline, slow).await.unwrap_err();
        assert_eq!(err.code(), tonic::Code::DeadlineExceeded);
        let quick = within("Extract", "", None, async { Ok(7) }).await;
        assert_eq!(quick.unwrap(), 7);
    }

    #[test]
    fn deadlines_count_from_the_stamped_arrival() {
        let mut request = Request::new(());
        request
            .metadata_mut()
            .insert("grpc-timeout", "1000m".parse().unwrap());
        let request = stamp(request).unwrap();
        let arrived = arrival(&request);
        assert_eq!(
            stream_deadline(&request),
            Some(arrived + Duration::from_secs(1))
        );
        assert_eq!(
            unary_deadline(&request),
            Some(arrived + Duration::from_millis(990))
        );
        assert!(!passed(stream_deadline(&request)));
        assert!(passed(Some(arrived)));
        assert!(!passed(None));
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
