//! Requests are values: every generated endpoint type implements [`Endpoint`], which knows its
//! HTTP method, path, parameters, response type and permission check, and renders itself
//! without any I/O. One `send` executes any of them.

use crate::permission::{Permission, Required};
use crate::wire::{FromWire, ParamError, ParamWriter, PathWriter};

/// HTTP method of a PVE API call.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum HttpMethod {
    /// `GET`: reads; parameters travel in the query string.
    Get,
    /// `POST`: creates or starts something; parameters travel in a form body.
    Post,
    /// `PUT`: updates; parameters travel in a form body.
    Put,
    /// `DELETE`: removes or stops something; parameters travel in the query string.
    Delete,
}

impl HttpMethod {
    /// The method as it appears on the wire.
    pub const fn as_str(self) -> &'static str {
        match self {
            HttpMethod::Get => "GET",
            HttpMethod::Post => "POST",
            HttpMethod::Put => "PUT",
            HttpMethod::Delete => "DELETE",
        }
    }

    /// Whether parameters go into a form body (`POST`, `PUT`) rather than the query string.
    pub const fn has_body(self) -> bool {
        matches!(self, HttpMethod::Post | HttpMethod::Put)
    }
}

impl std::fmt::Display for HttpMethod {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether (and how) a call starts a worker task.
///
/// Taken from `schema/tasks.json`, which records what the PVE handlers do; the apidoc itself
/// rarely says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TaskReturn {
    /// The call does not start a task.
    None,
    /// The call always returns the UPID of the task it started.
    Upid,
    /// The call returns a UPID, or — in documented cases — something else (for example `OK`
    /// from `vzdump` with nothing to do on this node, or `null` when the task already ended
    /// within the call's delay).
    UpidOrOther,
    /// The call returns `null` but still starts a task whose UPID it discards (LXC template).
    NullButForks,
}

/// Static facts about one endpoint, straight from the schema.
#[derive(Debug)]
pub struct EndpointInfo {
    /// HTTP method.
    pub method: HttpMethod,
    /// Path template, e.g. `/nodes/{node}/lxc/{vmid}/config`.
    pub path: &'static str,
    /// The upstream handler name (`vm_config`), kept for reference; not used for naming.
    pub handler: &'static str,
    /// Who may call it.
    pub permission: &'static Permission,
    /// Whether pveproxy forwards it to the privileged pvedaemon.
    pub protected: bool,
    /// Whether API tokens may call it (`allowtoken`).
    pub allow_token: bool,
    /// The parameter naming the node the call is proxied to, if any.
    pub proxy_to: Option<&'static str>,
    /// Whether the call starts a task.
    pub task: TaskReturn,
}

/// A typed PVE API call.
///
/// Implemented by every generated request type (one per path and HTTP method of the schema).
/// Hand-written code and tests can implement it too.
pub trait Endpoint {
    /// The decoded `data` of a successful response.
    type Response: FromWire;

    /// Schema facts about this endpoint.
    const INFO: &'static EndpointInfo;

    /// Appends the concrete path (template with path parameters filled in and
    /// percent-encoded) to `out`.
    fn write_path(&self, out: &mut PathWriter);

    /// Writes the non-path parameters. Required ones are always written, optional ones only when
    /// set. Values that cannot be sent (an index outside its family's range, say) are recorded in
    /// the writer and refuse the request before anything is sent.
    fn write_params(&self, out: &mut ParamWriter);

    /// Renders the request without I/O: method, path, and encoded parameters.
    ///
    /// # Errors
    /// [`crate::wire::ParamError`] when a parameter value cannot be sent.
    fn to_parts(&self) -> Result<RequestParts, ParamError> {
        let mut path = PathWriter::new();
        self.write_path(&mut path);
        let mut params = ParamWriter::new();
        self.write_params(&mut params);
        RequestParts::new(Self::INFO.method, path.finish(), params)
    }

    /// What this request needs: [`EndpointInfo::permission`] with every `{param}` of its ACL
    /// paths filled in from the request's own parameters (`/vms/{vmid}` → `/vms/100`), as
    /// `(path, privilege)` pairs grouped by the same `and`/`or` alternatives. See
    /// [`Required`] for what a parameter the request leaves out does.
    fn required_permissions(&self) -> Required {
        let mut path = PathWriter::new();
        self.write_path(&mut path);
        let mut params = ParamWriter::new();
        self.write_params(&mut params);
        let names = crate::permission::template_params(Self::INFO.path);
        let lookup = |name: &str| -> Vec<String> {
            if let Some(i) = names.iter().position(|n| *n == name) {
                return path.values().get(i).cloned().into_iter().collect();
            }
            params
                .pairs()
                .filter(|(key, _)| *key == name)
                .flat_map(|(_, value)| crate::permission::list_items(value))
                .collect()
        };
        Required::of(Self::INFO.permission, &lookup)
    }
}

/// A rendered request: method, concrete path and encoded parameters, ready for any transport.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestParts {
    /// HTTP method.
    pub method: HttpMethod,
    /// Concrete, percent-encoded path below `/api2/json` (e.g. `/nodes/pve1/lxc`).
    pub path: String,
    /// The decoded parameters in the order they were written (for logging keys, tests, and
    /// permission resolution).
    pub params: Vec<(String, String)>,
}

impl RequestParts {
    /// Renders the collected parameters.
    ///
    /// # Errors
    /// The first value the writer rejected.
    pub fn new(method: HttpMethod, path: String, params: ParamWriter) -> Result<Self, ParamError> {
        let params = params
            .into_pairs()?
            .into_iter()
            .map(|(k, v)| (k.into_owned(), v))
            .collect();
        Ok(Self {
            method,
            path,
            params,
        })
    }

    /// The encoded parameters (`a=1&b=x%20y`), empty when there are none.
    pub fn encoded_params(&self) -> String {
        ParamWriter::encode_pairs(self.params.iter().map(|(k, v)| (k.as_str(), v.as_str())))
    }

    /// The query string for `GET`/`DELETE` (without `?`), `None` for body methods or no params.
    pub fn query(&self) -> Option<String> {
        (!self.method.has_body() && !self.params.is_empty()).then(|| self.encoded_params())
    }

    /// The form body for `POST`/`PUT`, `None` for `GET`/`DELETE`.
    pub fn form_body(&self) -> Option<String> {
        self.method.has_body().then(|| self.encoded_params())
    }

    /// The path with the query string appended, as it goes on the wire below `/api2/json`.
    pub fn path_and_query(&self) -> String {
        match self.query() {
            Some(q) => format!("{}?{q}", self.path),
            None => self.path.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parts(method: HttpMethod) -> RequestParts {
        let mut w = ParamWriter::new();
        w.required("name", "a b");
        w.optional("full", &Some(true));
        RequestParts::new(method, "/nodes/pve1/lxc".into(), w).unwrap()
    }

    #[test]
    fn reads_put_parameters_in_the_query_and_writes_in_a_form_body() {
        let get = parts(HttpMethod::Get);
        assert_eq!(get.query().as_deref(), Some("name=a%20b&full=1"));
        assert_eq!(get.form_body(), None);
        assert_eq!(get.path_and_query(), "/nodes/pve1/lxc?name=a%20b&full=1");
        let post = parts(HttpMethod::Post);
        assert_eq!(post.query(), None);
        assert_eq!(post.form_body().as_deref(), Some("name=a%20b&full=1"));
        assert_eq!(post.path_and_query(), "/nodes/pve1/lxc");
        let bare = RequestParts::new(HttpMethod::Delete, "/x".into(), ParamWriter::new()).unwrap();
        assert_eq!(bare.path_and_query(), "/x");
    }
}
