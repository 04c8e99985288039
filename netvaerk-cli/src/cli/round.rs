//! `netvaerk round ...`: the chief forum's half-year rounds (TH-3) and its meetings (ORG-5).

use std::collections::BTreeSet;

use chrono::{Datelike, Months, NaiveDate};
use clap::Subcommand;
use netvaerk_core::{Action, RoundId};

use super::{date, Decided};

/// `round ...`
#[derive(Debug, Subcommand)]
pub enum RoundCommand {
    /// Open a round, e.g. 2016H2.
    Open {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Close the open round.
    Close {
        /// The round.
        round: RoundId,
        #[command(flatten)]
        decided: Decided,
    },
    /// Schedule or cancel the chief forum's meetings (ORG-5); its decisions then fall on them.
    Meetings {
        /// A meeting's date (repeat, or separate with commas).
        #[arg(long = "date", value_parser = date, value_delimiter = ',')]
        dates: Vec<NaiveDate>,
        /// Monthly from this date, on the same weekday of the month (the first Tuesday, say).
        #[arg(long, value_parser = date, requires = "months")]
        monthly_from: Option<NaiveDate>,
        /// How many monthly meetings (with --monthly-from).
        #[arg(long, requires = "monthly_from")]
        months: Option<u32>,
        /// A scheduled meeting to cancel (repeat, or separate with commas).
        #[arg(long, value_parser = date, value_delimiter = ',')]
        cancel: Vec<NaiveDate>,
        #[command(flatten)]
        decided: Decided,
    },
}

impl RoundCommand {
    /// The action and who decided it.
    pub fn action(&self) -> (Action, &Decided) {
        match self {
            Self::Open { round, decided } => (Action::OpenRound { round: *round }, decided),
            Self::Close { round, decided } => (Action::CloseRound { round: *round }, decided),
            Self::Meetings { dates, monthly_from, months, cancel, decided } => {
                let mut meetings: BTreeSet<NaiveDate> = dates.iter().copied().collect();
                if let (Some(first), Some(months)) = (monthly_from, months) {
                    meetings.extend(monthly_like(*first, *months));
                }
                let cancelled = cancel.iter().copied().collect();
                (Action::ScheduleForumMeetings { meetings, cancelled }, decided)
            }
        }
    }
}

/// `months` dates a month apart from `first`, each on the same weekday of its month as `first`
/// (its first, second, ... Tuesday; the last where a month has fewer).
pub fn monthly_like(first: NaiveDate, months: u32) -> Vec<NaiveDate> {
    let weekday = first.weekday();
    let nth = (first.day() - 1) / 7;
    (0..months.min(1200))
        .filter_map(|offset| {
            let month = first.with_day(1)?.checked_add_months(Months::new(offset))?;
            let shift = (7 + weekday.num_days_from_monday() - month.weekday().num_days_from_monday()) % 7;
            let earliest = month.checked_add_days(chrono::Days::new(u64::from(shift)))?;
            let wanted = earliest.checked_add_days(chrono::Days::new(u64::from(7 * nth)))?;
            Some(if wanted.month() == month.month() { wanted } else { wanted - chrono::Days::new(7) })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org5_monthly_meetings_keep_the_weekday_of_the_month() {
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();
        // 2017-01-03 is the first Tuesday of January.
        assert_eq!(
            monthly_like(day(2017, 1, 3), 4),
            [day(2017, 1, 3), day(2017, 2, 7), day(2017, 3, 7), day(2017, 4, 4)]
        );
        // The fifth Tuesday (31 January) falls back to the last where a month has four.
        assert_eq!(monthly_like(day(2017, 1, 31), 2), [day(2017, 1, 31), day(2017, 2, 28)]);
        assert!(monthly_like(day(2017, 1, 3), 0).is_empty());
    }
}
