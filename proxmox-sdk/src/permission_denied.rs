//! Parsing PVE's `Permission check failed (...)` messages. (Being written.)
