//! The one content hash of the build: what the output folder's manifest records for each
//! published file, and what the input fingerprint is made of.
//!
//! Its job is to notice change — a source edited, a published file edited or truncated
//! by hand — not to resist an attacker (whoever can write into the output folder can
//! replace the site anyway). So it is XXH3 with 128 bits, which hashes at memory speed:
//! an unchanged rebuild of a large site reads and hashes every published file, and with
//! SHA-256 that hashing was about a sixth of its time.

use xxhash_rust::xxh3::{xxh3_128, Xxh3};

/// A 128-bit content hash.
pub type Digest = [u8; 16];

/// The hash of `bytes`.
pub fn of(bytes: &[u8]) -> Digest {
    xxh3_128(bytes).to_le_bytes()
}

/// A hash computed from several pieces; equal to [`of`] of their concatenation.
#[derive(Default, Clone)]
pub struct Hasher(Xxh3);

impl Hasher {
    /// An empty hash.
    pub fn new() -> Hasher {
        Hasher(Xxh3::new())
    }

    /// Add bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The hash of everything added.
    pub fn finish(&self) -> Digest {
        self.0.digest128().to_le_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pieces_hash_like_the_whole() {
        let mut h = Hasher::new();
        h.update("政策".as_bytes());
        h.update(b" text");
        assert_eq!(h.finish(), of("政策 text".as_bytes()));
    }

    #[test]
    fn one_changed_byte_changes_the_hash() {
        let a = vec![7u8; 100_000];
        let mut b = a.clone();
        b[54_321] = 8;
        assert_ne!(of(&a), of(&b));
        assert_ne!(of(b""), of(b"\0"));
    }
}
