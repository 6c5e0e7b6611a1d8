//! Typed async client for the Proxmox VE REST API.
//!
//! Every endpoint of the PVE API is a request type in [`api`], generated at build time from
//! PVE's own schema: required parameters are constructor arguments (leaving one out is a
//! compile error), optional ones are setters, responses are typed structs that decode what real
//! servers send (numbers as strings, 0/1 booleans, unknown fields kept).

extern crate self as proxmox_sdk;

pub mod api;
pub mod client;
pub mod endpoint;
pub mod error;
pub mod permission;
pub mod permission_denied;
pub mod task;
pub mod upid;
pub mod wire;

pub use api::Privilege;
pub use client::{Client, ClientBuilder};
pub use endpoint::{Endpoint, EndpointInfo, HttpMethod, TaskReturn};
pub use error::Error;
pub use permission::{Check, Permission};
pub use task::TaskStarted;
pub use upid::Upid;

/// Items the generated code refers to. Not a stable API.
#[doc(hidden)]
pub mod __rt {
    pub use crate::Privilege;
    pub use crate::endpoint::{Endpoint, EndpointInfo, HttpMethod, TaskReturn};
    pub use crate::permission::{Check, Permission};
    pub use crate::task::TaskStarted;
    pub use crate::upid::Upid;
    pub use crate::wire::de::{FromWire, KeySeed, index_of, missing_field, next};
    pub use crate::wire::property_string::{
        ParseMode, PropertyError, PropertyExtra, PropertyKey, PropertyPairs, PropertySpec,
        PropertyString, PropertyStringInfo, PropertyValue, PropertyWriter, ValueKind,
        fmt_property_string, parse as parse_property_string, property_string_round_trip,
        write as write_property_string,
    };
    pub use crate::wire::{
        Extra, ExtraParams, Indexed, List, ParamWriter, PathWriter, Redacted, ToParam, WireEnum,
    };
    pub use crate::{property_string_impls, wire_enum_impls};
    pub use serde;
    pub use serde_json::Value;
}
