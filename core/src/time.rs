//! Instants as Unix seconds, and their calendar forms; the core never reads a clock.

use std::fmt;

/// An instant, in seconds since 1970-01-01T00:00:00Z. The caller supplies "now".
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Timestamp(pub i64);

const SECONDS_PER_DAY: i64 = 86_400;

impl Timestamp {
    /// Whole days from `self` until `later`, rounded toward negative infinity, so a
    /// certificate that expired an hour ago has `-1` days left.
    pub fn days_until(self, later: Timestamp) -> i64 {
        (later.0 - self.0).div_euclid(SECONDS_PER_DAY)
    }

    /// This instant plus a number of days.
    pub fn plus_days(self, days: i64) -> Timestamp {
        Timestamp(self.0.saturating_add(days.saturating_mul(SECONDS_PER_DAY)))
    }

    /// The calendar date, `YYYY-MM-DD`.
    pub fn date(self) -> String {
        let (year, month, day) = civil_from_days(self.0.div_euclid(SECONDS_PER_DAY));
        format!("{year:04}-{month:02}-{day:02}")
    }

    /// RFC 3339 in UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn rfc3339(self) -> String {
        let seconds = self.0.rem_euclid(SECONDS_PER_DAY);
        format!(
            "{}T{:02}:{:02}:{:02}Z",
            self.date(),
            seconds / 3600,
            seconds % 3600 / 60,
            seconds % 60
        )
    }

    /// Parses `YYYY-MM-DD` (midnight UTC) or `YYYY-MM-DDTHH:MM:SSZ`.
    pub fn parse(text: &str) -> Option<Timestamp> {
        let text = text.trim();
        let (date, time) = match text.split_once(['T', ' ']) {
            Some((date, time)) => (date, Some(time.trim_end_matches('Z'))),
            None => (text, None),
        };
        let mut parts = date.splitn(3, '-');
        let year: i64 = parts.next()?.parse().ok()?;
        let month: u32 = parts.next()?.parse().ok()?;
        let day: u32 = parts.next()?.parse().ok()?;
        if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month) {
            return None;
        }
        let mut seconds = days_from_civil(year, month, day) * SECONDS_PER_DAY;
        if let Some(time) = time {
            let mut fields = time.splitn(3, ':');
            let hours: i64 = fields.next()?.parse().ok()?;
            let minutes: i64 = fields.next()?.parse().ok()?;
            let secs: i64 = fields.next().unwrap_or("0").parse().ok()?;
            if !(0..24).contains(&hours) || !(0..60).contains(&minutes) || !(0..61).contains(&secs)
            {
                return None;
            }
            seconds += hours * 3600 + minutes * 60 + secs;
        }
        Some(Timestamp(seconds))
    }
}

impl fmt::Display for Timestamp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.rfc3339())
    }
}

/// The number of days of a month, leap years included.
fn days_in_month(year: i64, month: u32) -> u32 {
    match month {
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since the epoch to (year, month, day), proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let mp = (5 * day_of_year + 2) / 153;
    let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

/// (year, month, day) to days since the epoch, proleptic Gregorian calendar.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn epoch_is_1970() {
        assert_eq!(Timestamp(0).rfc3339(), "1970-01-01T00:00:00Z");
    }

    #[test]
    fn known_date_round_trips() {
        let t = Timestamp::parse("2034-06-28T17:39:16Z").unwrap();
        assert_eq!(t.rfc3339(), "2034-06-28T17:39:16Z");
        assert_eq!(Timestamp::parse("2000-02-29").unwrap().date(), "2000-02-29");
        assert_eq!(Timestamp::parse("1969-12-31").unwrap(), Timestamp(-86_400));
    }

    #[test]
    fn days_until_rounds_down() {
        let now = Timestamp(1_000_000);
        assert_eq!(now.days_until(Timestamp(1_000_000 + 86_399)), 0);
        assert_eq!(now.days_until(Timestamp(1_000_000 + 86_400)), 1);
        assert_eq!(now.days_until(Timestamp(1_000_000 - 1)), -1);
    }

    #[test]
    fn invalid_dates_are_rejected() {
        assert!(Timestamp::parse("2026-13-01").is_none());
        assert!(Timestamp::parse("soon").is_none());
        assert!(Timestamp::parse("2026-02-30").is_none());
        assert!(Timestamp::parse("2100-02-29").is_none());
        assert!(Timestamp::parse("2026-01-01T25:00:00Z").is_none());
        assert!(Timestamp::parse("2026-01-01T10:99:00Z").is_none());
    }
}
