//! pveproxy's cap on request bodies, checked before sending.
//!
//! pveproxy reads a request body that is not a file upload into memory and refuses one whose
//! `Content-Length` is above 64 KiB (`$limit_max_post` in pve-http-server, `501 for data too
//! large`); newer servers raised it, older ones did not, so the client keeps to the smaller
//! number. The length counted is the encoded form body, exactly what `Content-Length` says.
//! A body above it is an [`Error::InvalidParameter`](crate::Error::InvalidParameter) naming
//! the largest parameter (usually the one to shorten), and nothing is sent. Uploads are
//! streamed as `multipart/form-data` and are not limited (see [`crate::upload`]).

use crate::endpoint::RequestParts;
use crate::wire::{ParamError, ParamWriter};

/// The largest non-upload request body pveproxy accepts, in bytes (encoded).
pub const MAX_FORM_BODY_BYTES: usize = 64 * 1024;

/// Refuses a form body PVE would refuse; `body` is `parts`' encoded form.
pub(crate) fn check_form_body(parts: &RequestParts, body: &str) -> Result<(), ParamError> {
    if body.len() <= MAX_FORM_BODY_BYTES {
        return Ok(());
    }
    let encoded = |(k, v): &(String, String)| {
        ParamWriter::encode_pairs(std::iter::once((k.as_str(), v.as_str()))).len()
    };
    let largest = parts.params.iter().max_by_key(|pair| encoded(pair));
    let (name, size) = largest.map_or((String::new(), 0), |pair| (pair.0.clone(), encoded(pair)));
    Err(ParamError::Invalid {
        name,
        problem: format!(
            "the request body would be {} bytes, more than the {MAX_FORM_BODY_BYTES} PVE accepts \
             for a call that is not an upload; this parameter takes {size} of them",
            body.len()
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::endpoint::HttpMethod;

    fn parts(pairs: &[(&'static str, String)]) -> (RequestParts, String) {
        let mut writer = ParamWriter::new();
        for (k, v) in pairs {
            writer.required(k, v.as_str());
        }
        let parts = RequestParts::new(HttpMethod::Post, "/x".into(), writer).unwrap();
        let body = parts.form_body().unwrap();
        (parts, body)
    }

    #[test]
    fn a_body_of_exactly_the_cap_passes_and_one_byte_more_names_the_largest_parameter() {
        // `a=` + value + `&b=x`: 2 + n + 4 bytes.
        let at_cap = MAX_FORM_BODY_BYTES - 6;
        let (p, body) = parts(&[("a", "v".repeat(at_cap)), ("b", "x".into())]);
        assert_eq!(body.len(), MAX_FORM_BODY_BYTES);
        assert!(check_form_body(&p, &body).is_ok());

        let (p, body) = parts(&[("b", "x".into()), ("a", "v".repeat(at_cap + 1))]);
        let err = check_form_body(&p, &body).unwrap_err();
        let ParamError::Invalid { name, problem } = &err else {
            panic!("{err:?}")
        };
        assert_eq!(name, "a");
        assert!(problem.contains("65537 bytes"), "{problem}");
    }

    #[test]
    fn the_encoded_length_counts_not_the_text_length() {
        // A space is one character and three bytes encoded (`%20`).
        let (p, body) = parts(&[("description", " ".repeat(MAX_FORM_BODY_BYTES / 3))]);
        assert!(body.len() > MAX_FORM_BODY_BYTES);
        assert!(check_form_body(&p, &body).is_err());
    }
}
