//! What a `{placeholder}` of an ACL path template stands for in one request.
//!
//! * `{param}`: every item of the parameter, as it is (`vmid=100,101` is `100` and `101`).
//! * `{param:target}`: the parameter read as a storage map (format `storage-pair-list`): each
//!   item is `dst` or `src:dst` and stands for `dst`; the identity map `1` ("each storage to
//!   itself") stands for none. The generator accepts the modifier only on such parameters.

/// The placeholder modifier for the target side of a storage map (`{targetstorage:target}`).
const TARGET: &str = "target";

/// Every value `name` stands for, with `lookup` giving each parameter's items; `None` when the
/// request leaves the parameter out.
pub(super) fn placeholder_values(
    name: &str,
    lookup: &dyn Fn(&str) -> Vec<String>,
) -> Option<Vec<String>> {
    let (param, target) = split(name);
    let values = lookup(param);
    if values.is_empty() {
        return None;
    }
    if !target {
        return Some(values);
    }
    Some(
        values
            .iter()
            .filter(|item| item.as_str() != "1")
            .map(|item| pair_target(item).to_owned())
            .collect(),
    )
}

/// The one value `name` stands for, with `lookup` giving each parameter's text (the first
/// storage-map target for `{param:target}`).
pub(super) fn single_value(name: &str, lookup: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let (param, target) = split(name);
    let text = lookup(param)?;
    if !target {
        return Some(text);
    }
    let first = list_items(&text).into_iter().next().unwrap_or(text);
    Some(pair_target(&first).to_owned())
}

/// The parameter of a placeholder and whether it asks for storage-map targets.
fn split(name: &str) -> (&str, bool) {
    match name.split_once(':') {
        Some((param, TARGET)) => (param, true),
        _ => (name, false),
    }
}

/// The target of one storage-map item: the part after `:`, or the whole item.
fn pair_target(item: &str) -> &str {
    item.rsplit_once(':').map_or(item, |(_, dst)| dst)
}

/// The items of a parameter's text: a `-list` value (`100,101`) is several.
pub(crate) fn list_items(text: &str) -> Vec<String> {
    text.split([',', ';', ' '])
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(text: &'static str) -> impl Fn(&str) -> Vec<String> {
        move |name| {
            if name == "targetstorage" {
                list_items(text)
            } else {
                Vec::new()
            }
        }
    }

    #[test]
    fn a_storage_map_stands_for_its_targets() {
        let values = |text| placeholder_values("targetstorage:target", &lookup(text));
        assert_eq!(values("local"), Some(vec!["local".to_string()]));
        assert_eq!(values("local:ceph"), Some(vec!["ceph".to_string()]));
        assert_eq!(
            values("local:ceph,local-lvm:nfs"),
            Some(vec!["ceph".to_string(), "nfs".to_string()])
        );
        assert_eq!(values("1"), Some(Vec::new()));
        assert_eq!(placeholder_values("other:target", &lookup("x")), None);
    }

    #[test]
    fn a_plain_placeholder_keeps_the_items_and_one_value_takes_the_first_target() {
        assert_eq!(
            placeholder_values("targetstorage", &lookup("a:b")),
            Some(vec!["a:b".to_string()])
        );
        let text = |_: &str| Some("local:ceph,x:nfs".to_string());
        assert_eq!(
            single_value("targetstorage:target", &text).as_deref(),
            Some("ceph")
        );
        assert_eq!(
            single_value("targetstorage", &text).as_deref(),
            Some("local:ceph,x:nfs")
        );
    }
}
