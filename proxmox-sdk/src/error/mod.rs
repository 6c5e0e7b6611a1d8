//! The one error type of the SDK. (Being written.)
