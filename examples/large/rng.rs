//! A tiny seeded PRNG and civil-date arithmetic, so the generator needs nothing but std.
//!
//! The corpus must be byte-identical for a given seed on every machine and every Rust
//! version, so the generator cannot depend on a crate whose stream might change.

/// splitmix64: fast, well distributed, and trivially seedable per document.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator for one independent stream (e.g. one document): mixing the stream id
    /// into the seed means documents do not depend on the order they are generated in.
    pub fn new(seed: u64, stream: u64) -> Self {
        let mut r = Rng(seed ^ stream.wrapping_mul(0xD1B5_4A32_D192_ED03));
        r.next_u64();
        r
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (`n > 0`), by multiply-shift (bias is negligible for our sizes).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1) as usize) as i64
    }

    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u32) -> bool {
        self.below(100) < percent as usize
    }

    /// One element of a non-empty slice.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// `0..n` in a random order (Fisher–Yates).
    pub fn permutation(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
        v
    }

    /// `k` distinct indices into `0..n`, in ascending order.
    pub fn distinct(&mut self, n: usize, k: usize) -> Vec<usize> {
        let mut out: Vec<usize> = Vec::with_capacity(k);
        while out.len() < k.min(n) {
            let i = self.below(n);
            if !out.contains(&i) {
                out.push(i);
            }
        }
        out.sort_unstable();
        out
    }
}

/// A civil date, stored as days since 1970-01-01 so adding days and comparing are trivial.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Date(pub i64);

impl Date {
    /// From year, month (1–12), day (1–31). Howard Hinnant's days-from-civil.
    pub fn ymd(y: i32, m: u32, d: u32) -> Date {
        let y = if m <= 2 { y - 1 } else { y } as i64;
        let era = if y >= 0 { y } else { y - 399 } / 400;
        let yoe = y - era * 400;
        let m = m as i64;
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i64 - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        Date(era * 146_097 + doe - 719_468)
    }

    /// Back to (year, month, day).
    pub fn parts(self) -> (i32, u32, u32) {
        let z = self.0 + 719_468;
        let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let y = yoe + era * 400;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        ((if m <= 2 { y + 1 } else { y }) as i32, m, d)
    }

    /// The year.
    pub fn year(self) -> i32 {
        self.parts().0
    }

    /// `days` later (or earlier when negative).
    pub fn add(self, days: i64) -> Date {
        Date(self.0 + days)
    }

    /// The last day of a validity period of `years` starting on `self` (same rule as the
    /// generator: the day before the anniversary; 29 February rolls to 1 March first).
    pub fn years_later_inclusive(self, years: i32) -> Date {
        let (y, m, d) = self.parts();
        let ty = y + years;
        let leap = (ty % 4 == 0 && ty % 100 != 0) || ty % 400 == 0;
        let anniversary = if m == 2 && d == 29 && !leap {
            Date::ymd(ty, 3, 1)
        } else {
            Date::ymd(ty, m, d)
        };
        anniversary.add(-1)
    }

    /// `2024-04-28`.
    pub fn iso(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y:04}-{m:02}-{d:02}")
    }

    /// `2024年4月28日`.
    pub fn chinese(self) -> String {
        let (y, m, d) = self.parts();
        format!("{y}年{m}月{d}日")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_round_trip() {
        for day in (Date::ymd(2014, 1, 1).0..Date::ymd(2028, 1, 1).0).map(Date) {
            let (y, m, d) = day.parts();
            assert_eq!(Date::ymd(y, m, d), day);
        }
        assert_eq!(Date::ymd(1970, 1, 1), Date(0));
        assert_eq!(Date::ymd(2024, 2, 29).iso(), "2024-02-29");
        assert_eq!(Date::ymd(2024, 3, 1).add(-1).chinese(), "2024年2月29日");
    }

    #[test]
    fn validity_period_matches_the_library_rule() {
        assert_eq!(
            Date::ymd(2024, 5, 1).years_later_inclusive(5),
            Date::ymd(2029, 4, 30)
        );
        assert_eq!(
            Date::ymd(2024, 2, 29).years_later_inclusive(1),
            Date::ymd(2025, 2, 28)
        );
    }

    #[test]
    fn rng_is_deterministic_and_in_range() {
        let mut a = Rng::new(7, 3);
        let mut b = Rng::new(7, 3);
        for _ in 0..1000 {
            let x = a.below(13);
            assert_eq!(x, b.below(13));
            assert!(x < 13);
        }
        assert_ne!(Rng::new(7, 3).next_u64(), Rng::new(7, 4).next_u64());
        assert_eq!(Rng::new(1, 1).distinct(5, 5), vec![0, 1, 2, 3, 4]);
    }
}
