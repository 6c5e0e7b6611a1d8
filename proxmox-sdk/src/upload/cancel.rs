//! Ending an upload's threads when the upload call is over.
//!
//! The body belongs to the connection once it is handed over. When the call ends early (its
//! timeout, an error, or the caller dropping the future) while the peer has stopped reading,
//! the connection may keep the body without ever polling it again, and the upload's threads
//! would wait forever on their full or empty queues. The call holds a [`CancelOnDrop`]; its
//! drop sets the shared [`Cancel`], and the threads' waits ([`send`], [`recv`]) notice it
//! within [`RECHECK`] and stop.

use std::future::Future;
use std::pin::pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::task::{Context, Poll, Wake, Waker};
use std::thread::Thread;
use std::time::Duration;

use tokio::sync::mpsc::{Receiver, Sender};

/// How often a waiting thread looks at the flag.
const RECHECK: Duration = Duration::from_millis(100);

/// Set once the upload call is over.
#[derive(Debug, Clone, Default)]
pub(crate) struct Cancel(Arc<AtomicBool>);

impl Cancel {
    fn is_set(&self) -> bool {
        self.0.load(Ordering::Acquire)
    }

    /// A guard that sets the flag when dropped.
    pub(crate) fn on_drop(&self) -> CancelOnDrop {
        CancelOnDrop(self.clone())
    }
}

/// Sets its [`Cancel`] when dropped.
#[derive(Debug)]
pub(crate) struct CancelOnDrop(Cancel);

impl Drop for CancelOnDrop {
    fn drop(&mut self) {
        self.0.0.store(true, Ordering::Release);
    }
}

/// Sends `value` from a plain thread, waiting for room; `false` when the receiver is gone or
/// the upload was cancelled meanwhile.
pub(crate) fn send<T>(to: &Sender<T>, value: T, cancel: &Cancel) -> bool {
    wait(to.send(value), cancel).is_some_and(|sent| sent.is_ok())
}

/// The next value, on a plain thread; `None` when every sender is gone or the upload was
/// cancelled meanwhile.
pub(crate) fn recv<T>(from: &mut Receiver<T>, cancel: &Cancel) -> Option<T> {
    wait(from.recv(), cancel).flatten()
}

/// Drives `future` on this thread, parked between polls; `None` once `cancel` is set.
fn wait<F: Future>(future: F, cancel: &Cancel) -> Option<F::Output> {
    let mut future = pin!(future);
    let waker = Waker::from(Arc::new(Unpark(std::thread::current())));
    let mut cx = Context::from_waker(&waker);
    loop {
        if let Poll::Ready(output) = future.as_mut().poll(&mut cx) {
            return Some(output);
        }
        if cancel.is_set() {
            return None;
        }
        std::thread::park_timeout(RECHECK);
    }
}

/// Wakes a parked thread.
struct Unpark(Thread);

impl Wake for Unpark {
    fn wake(self: Arc<Self>) {
        self.0.unpark();
    }

    fn wake_by_ref(self: &Arc<Self>) {
        self.0.unpark();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_waiting_on_a_full_queue_stops_once_cancelled() {
        let (to, _kept) = tokio::sync::mpsc::channel::<u8>(1);
        let cancel = Cancel::default();
        assert!(send(&to, 1, &cancel));
        let guard = cancel.on_drop();
        let waiting = {
            let cancel = cancel.clone();
            std::thread::spawn(move || send(&to, 2, &cancel))
        };
        std::thread::sleep(Duration::from_millis(50));
        drop(guard);
        assert!(
            !waiting.join().unwrap(),
            "the full queue never took the value"
        );
    }

    #[test]
    fn a_thread_waiting_on_an_empty_queue_stops_once_cancelled_and_gets_what_came_before() {
        let (to, mut from) = tokio::sync::mpsc::channel::<u8>(4);
        let cancel = Cancel::default();
        let guard = cancel.on_drop();
        let waiting = {
            let cancel = cancel.clone();
            std::thread::spawn(move || {
                let first = recv(&mut from, &cancel);
                (first, recv(&mut from, &cancel))
            })
        };
        assert!(send(&to, 7, &cancel));
        std::thread::sleep(Duration::from_millis(50));
        drop(guard);
        assert_eq!(waiting.join().unwrap(), (Some(7), None));
        drop(to);
    }
}
