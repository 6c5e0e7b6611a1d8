//! The pages that explain the API as a whole: the format glossary (a `glossary` module whose
//! documentation is the page) and the path → type table for the `api` module's docs.

use proc_macro2::TokenStream;
use quote::quote;

use super::docs::glossary_anchor;
use super::spell::doc_lines;
use crate::ir::Api;

/// The `glossary` module: a documentation-only page with one row per format the API names.
/// Nothing when the schema folder has no `formats.json`.
pub(super) fn glossary(api: &Api) -> TokenStream {
    if api.glossary.is_empty() {
        return TokenStream::new();
    }
    let mut lines = vec![
        "What the `format` names in the field docs mean: every format the API's parameters and \
         fields name, explained in our own words with an example value. A field's doc links \
         to its row."
            .to_string(),
        String::new(),
        "A format ending in `-list` is several values in one string; the SDK types those \
         as [`List`](crate::wire::List), which joins items with `,`."
            .to_string(),
        String::new(),
        "| format | what a value is | example |".to_string(),
        "|---|---|---|".to_string(),
    ];
    for entry in &api.glossary {
        lines.push(format!(
            "| <a id=\"{}\"></a>`{}` | {} | `{}` |",
            glossary_anchor(&entry.format),
            entry.format,
            entry.meaning,
            entry.example.replace('`', "'")
        ));
    }
    let doc = doc_lines(&lines);
    quote! {
        #doc
        pub mod glossary {}
    }
}

/// The path → type table: a Markdown page with one row per endpoint, in path order, linking
/// each `METHOD /path` to its request type (links relative to the `api` module).
pub(super) fn path_table(api: &Api) -> String {
    let mut out = String::from(
        "\n# Every endpoint by path\n\n\
         | method and path | request type |\n|---|---|\n",
    );
    for e in &api.endpoints {
        out.push_str(&format!(
            "| `{} {}` | [`{name}`]({module}::{name}) |\n",
            e.method,
            e.path,
            name = e.name,
            module = e.module,
        ));
    }
    out
}
