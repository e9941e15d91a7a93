//! How the self-check (情報セキュリティセルフチェック) is scored, exactly as the reference
//! report scores it: a category's score is correct answers / (respondents × questions)
//! × 10 to one decimal, rounded half up, and each score falls in one of five bands.
//! Integer arithmetic throughout, so 9.25 never becomes 9.2 through a binary fraction.

use std::fmt;

/// A score on the 10-point scale, held in tenths (92 = 9.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Score(u32);

impl Score {
    /// The score of `correct` answers out of `answers` (respondents × questions); `None`
    /// when nobody answered.
    pub fn of(correct: u64, answers: u64) -> Option<Score> {
        if answers == 0 {
            return None;
        }
        let correct = correct.min(answers);
        // tenths = correct / answers × 100, half up: ⌊(200·correct + answers) / (2·answers)⌋.
        let tenths = (200 * u128::from(correct) + u128::from(answers)) / (2 * u128::from(answers));
        Some(Score(u32::try_from(tenths).unwrap_or(100)))
    }

    /// The score in tenths.
    pub fn tenths(self) -> u32 {
        self.0
    }

    /// The score as a number (9.2).
    pub fn value(self) -> f64 {
        f64::from(self.0) / 10.0
    }

    /// The band the report puts this score in.
    pub fn band(self) -> Band {
        match self.0 {
            0..=24 => Band::Serious,
            25..=49 => Band::NotYet,
            50..=74 => Band::Almost,
            75..=99 => Band::Good,
            _ => Band::Perfect,
        }
    }
}

impl fmt::Display for Score {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.0 / 10, self.0 % 10)
    }
}

/// The report's five bands (評価).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Band {
    /// 0.0–2.4
    Serious,
    /// 2.5–4.9
    NotYet,
    /// 5.0–7.4
    Almost,
    /// 7.5–9.9
    Good,
    /// 10.0
    Perfect,
}

impl Band {
    /// Every band, lowest first.
    pub const ALL: [Band; 5] = [
        Band::Serious,
        Band::NotYet,
        Band::Almost,
        Band::Good,
        Band::Perfect,
    ];

    /// The report's words for the band.
    pub fn label_ja(self) -> &'static str {
        match self {
            Band::Serious => "これは大変！セキュリティの大切さをよく理解しましょう",
            Band::NotYet => "まだまだです！",
            Band::Almost => "あと一息です！",
            Band::Good => "十分理解できているようです。100%目指してがんばりましょう",
            Band::Perfect => "100%です！おめでとうございます！",
        }
    }

    /// The range of scores in the band, as the report prints it.
    pub fn range(self) -> &'static str {
        match self {
            Band::Serious => "0.0～2.4",
            Band::NotYet => "2.5～4.9",
            Band::Almost => "5.0～7.4",
            Band::Good => "7.5～9.9",
            Band::Perfect => "10.0",
        }
    }
}

/// A correct rate in whole percent, rounded half up (`None` when nobody answered).
pub fn percent(correct: u64, answers: u64) -> Option<u32> {
    Score::of(correct, answers).map(|_| {
        let p = (200 * u128::from(correct.min(answers)) + u128::from(answers))
            / (2 * u128::from(answers));
        u32::try_from(p).unwrap_or(100)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report's R4 counts (総論3): respondents 2,665, correct answers per question.
    const R4: [(&str, &[u64], &str); 6] = [
        ("組織体制", &[2552, 2498, 2389, 2484, 2307], "9.2"),
        ("情報資産の管理", &[2587, 2443, 2582, 2030, 2156], "8.9"),
        ("物理的セキュリティ", &[2627, 2571, 2636], "9.8"),
        (
            "人的セキュリティ",
            &[2624, 2581, 2609, 2586, 2632, 2506],
            "9.7",
        ),
        (
            "技術的セキュリティ",
            &[2579, 2245, 2334, 2571, 1902, 2488],
            "8.8",
        ),
        (
            "マイナンバー制度",
            &[2559, 2402, 1985, 2513, 2564, 2624],
            "9.2",
        ),
    ];

    #[test]
    fn the_reports_r4_scores_come_out_as_printed() {
        for (category, correct, printed) in R4 {
            let answers = 2665 * correct.len() as u64;
            let score = Score::of(correct.iter().sum(), answers);
            assert_eq!(
                score.map(|s| s.to_string()).as_deref(),
                Some(printed),
                "{category}"
            );
            assert_eq!(score.map(Score::band), Some(Band::Good), "{category}");
        }
    }

    #[test]
    fn half_rounds_up_and_bands_meet_at_their_edges() {
        // 37 / 40 × 10 = 9.25 → 9.3
        assert_eq!(Score::of(37, 40).map(|s| s.tenths()), Some(93));
        // 49 / 200 × 10 = 2.45 → 2.5: the second band, not the first.
        assert_eq!(Score::of(49, 200).map(Score::band), Some(Band::NotYet));
        assert_eq!(Score::of(24, 100).map(Score::band), Some(Band::Serious));
        assert_eq!(Score::of(74, 100).map(Score::band), Some(Band::Almost));
        assert_eq!(Score::of(75, 100).map(Score::band), Some(Band::Good));
        // The band follows the rounded score, as the report's table does: 9.95 prints as
        // 10.0 and is in the top band; 9.94 stays in 7.5–9.9.
        assert_eq!(Score::of(995, 1000).map(Score::band), Some(Band::Perfect));
        assert_eq!(Score::of(994, 1000).map(Score::band), Some(Band::Good));
        assert_eq!(
            Score::of(0, 10).map(|s| s.to_string()).as_deref(),
            Some("0.0")
        );
        assert_eq!(Score::of(0, 0), None);
        assert_eq!(percent(2, 3), Some(67));
        assert_eq!(percent(1, 8), Some(13));
    }
}
