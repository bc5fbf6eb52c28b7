//! Points are kept as integers in hundredths so that no float ever decides a rank.

use std::fmt;

/// A number of points in hundredths (27.5 points = 2750).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Default,
    serde::Serialize,
    serde::Deserialize,
)]
#[serde(transparent)]
pub struct Points(pub i64);

impl Points {
    pub const SCALE: i64 = 100;

    /// Parses a TOML number such as 30, 0.5 or 2.25; refuses anything finer than 0.01.
    pub fn from_decimal(value: f64) -> Option<Points> {
        let scaled = value * Self::SCALE as f64;
        let rounded = scaled.round();
        ((scaled - rounded).abs() < 1e-6 && rounded.is_finite()).then_some(Points(rounded as i64))
    }

    pub fn whole(value: i64) -> Points {
        Points(value * Self::SCALE)
    }
}

impl fmt::Display for Points {
    /// "30", "27.5", "2.25".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        let whole = abs / Self::SCALE as u64;
        let frac = abs % Self::SCALE as u64;
        if frac == 0 {
            write!(f, "{sign}{whole}")
        } else if frac % 10 == 0 {
            write!(f, "{sign}{whole}.{}", frac / 10)
        } else {
            write!(f, "{sign}{whole}.{frac:02}")
        }
    }
}

impl std::ops::Add for Points {
    type Output = Points;
    fn add(self, rhs: Points) -> Points {
        Points(self.0 + rhs.0)
    }
}

impl std::iter::Sum for Points {
    fn sum<I: Iterator<Item = Points>>(iter: I) -> Points {
        Points(iter.map(|p| p.0).sum())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimals_round_trip_exactly() {
        assert_eq!(Points::from_decimal(30.0), Some(Points(3000)));
        assert_eq!(Points::from_decimal(0.5), Some(Points(50)));
        assert_eq!(Points::from_decimal(0.001), None);
        assert_eq!(Points(2750).to_string(), "27.5");
        assert_eq!(Points(225).to_string(), "2.25");
        assert_eq!(Points(3000).to_string(), "30");
    }
}
