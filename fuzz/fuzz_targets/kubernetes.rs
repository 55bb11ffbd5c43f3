//! Fuzz target: [`oidc_thumb_fuzz::kubernetes`] on arbitrary bytes.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| oidc_thumb_fuzz::kubernetes(data));
