//! [`TaskCall`]: a task-starting request bound to a client, run by `.await`.
//!
//! A handle method that starts a task builds the generated request with what the handle
//! knows (node, vmid) and the method's required arguments, and returns it unsent. Awaiting
//! it sends it and waits for the task ([`Client::run`]); before that, optional parameters are
//! set on the request itself with [`TaskCall::with`] and the wait is tuned with
//! [`TaskCall::options`]. So every parameter of the endpoint stays reachable, under the
//! generated setter's own name, and there is no second copy of any endpoint.

use std::fmt;
use std::future::{Future, IntoFuture};
use std::pin::Pin;

use crate::client::Client;
use crate::endpoint::Endpoint;
use crate::error::Error;
use crate::task::{RunOutcome, TaskResponse, WaitOptions};

/// A request that starts a task, with the client to send it through; `.await` sends it and
/// waits for the task.
///
/// ```no_run
/// # async fn demo(client: proxmox_sdk::Client) -> Result<(), proxmox_sdk::Error> {
/// use std::time::Duration;
/// use proxmox_sdk::task::WaitOptions;
///
/// let ct = client.node("pve1").lxc(100);
/// ct.start().await?;
/// ct.clone_to(101)
///     .with(|clone| clone.hostname("web-copy").full(true))
///     .options(WaitOptions::default().timeout(Duration::from_secs(600)))
///     .await?;
/// # Ok(()) }
/// ```
#[must_use = "a task call does nothing until it is awaited"]
pub struct TaskCall<E> {
    client: Client,
    request: E,
    options: WaitOptions,
}

impl<E> TaskCall<E> {
    pub(crate) fn new(client: &Client, request: E) -> Self {
        Self {
            client: client.clone(),
            request,
            options: WaitOptions::default(),
        }
    }

    /// Sets optional parameters with the generated request's setters.
    pub fn with(mut self, set: impl FnOnce(E) -> E) -> Self {
        self.request = set(self.request);
        self
    }

    /// How to wait for the task (default: [`WaitOptions::default`]).
    pub fn options(mut self, options: WaitOptions) -> Self {
        self.options = options;
        self
    }

    /// The request as it will be sent (for [`Endpoint::to_parts`] or logging).
    pub fn request(&self) -> &E {
        &self.request
    }

    /// The request and the wait options, to send some other way.
    pub fn into_parts(self) -> (E, WaitOptions) {
        (self.request, self.options)
    }
}

impl<E> IntoFuture for TaskCall<E>
where
    E: Endpoint + Send + Sync + 'static,
    E::Response: TaskResponse + Send,
    RunOutcome<E>: Send,
{
    type Output = Result<RunOutcome<E>, Error>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(async move { self.client.run(&self.request, self.options).await })
    }
}

impl<E: fmt::Debug> fmt::Debug for TaskCall<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TaskCall")
            .field("request", &self.request)
            .field("options", &self.options)
            .finish_non_exhaustive()
    }
}
