//! WebAssembly bindings: conversions only, all logic lives in tessera-core.
