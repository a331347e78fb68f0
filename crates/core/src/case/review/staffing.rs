//! The legal unit's staffing (L-07; 000 A3 Art 5): at least 5% of the agency's officers,
//! and never fewer than two legal reviewers.

use serde::Serialize;

/// The legal reviewers an agency with `officers` enforcement officers needs: max(2, 5%),
/// the percentage rounded up.
pub fn required_reviewers(officers: usize) -> usize {
    officers.saturating_mul(5).div_ceil(100).max(2)
}

/// An agency's staffing against L-07.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Staffing {
    pub officers: usize,
    pub reviewers: usize,
    pub required: usize,
}

impl Staffing {
    pub fn new(officers: usize, reviewers: usize) -> Self {
        Staffing { officers, reviewers, required: required_reviewers(officers) }
    }

    pub fn short(&self) -> bool {
        self.reviewers < self.required
    }

    /// The line on the agency's page.
    pub fn describe(&self) -> String {
        let base = format!(
            "执法人员{}人，法制审核人员{}人，应不少于{}人（执法人员的5%，最低2人）",
            self.officers, self.reviewers, self.required
        );
        if self.short() { format!("{base}：缺{}人（L-07）", self.required - self.reviewers) } else { base }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: L-07
    #[test]
    fn an_agency_needs_two_reviewers_or_five_percent_of_its_officers() {
        assert_eq!(required_reviewers(0), 2);
        assert_eq!(required_reviewers(40), 2);
        assert_eq!(required_reviewers(41), 3);
        assert_eq!(required_reviewers(100), 5);
        assert_eq!(required_reviewers(101), 6);
        assert!(Staffing::new(3, 1).short());
        assert!(Staffing::new(3, 1).describe().contains("缺1人"));
        assert!(!Staffing::new(60, 3).short());
        assert!(Staffing::new(61, 3).short());
    }
}
