//! TLS trust modes. (Being written.)
