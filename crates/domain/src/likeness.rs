//! How alike two names are — for a department a file names that the tenant does not have
//! (「図書館」 for 中央図書館): the import shows the closest ones to choose from instead of
//! creating a new department silently.

use std::collections::HashSet;

use crate::normalize_width;

fn plain(name: &str) -> Vec<char> {
    normalize_width(name)
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect()
}

/// 0.0 (nothing alike) to 1.0 (the same once widths and spaces are set aside). One name
/// inside the other counts most (図書館 in 中央図書館), more the more of it it is; otherwise
/// the share of two-character pieces in common (Dice).
pub fn likeness(a: &str, b: &str) -> f64 {
    let (a, b) = (plain(a), plain(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.windows(short.len()).any(|w| w == short.as_slice()) {
        return 0.5 + 0.5 * short.len() as f64 / long.len() as f64;
    }
    let pairs =
        |s: &[char]| -> HashSet<(char, char)> { s.windows(2).map(|w| (w[0], w[1])).collect() };
    let (pa, pb) = (pairs(&a), pairs(&b));
    if pa.is_empty() || pb.is_empty() {
        return 0.0;
    }
    let common = pa.intersection(&pb).count();
    0.5 * (2 * common) as f64 / (pa.len() + pb.len()) as f64
}

/// The indexes of `names` most like `name`, best first (ties in the given order), at most
/// `n`, leaving out those with nothing alike.
pub fn closest(name: &str, names: &[&str], n: usize) -> Vec<usize> {
    let mut scored: Vec<(usize, f64)> = names
        .iter()
        .enumerate()
        .map(|(i, other)| (i, likeness(name, other)))
        .filter(|(_, s)| *s > 0.0)
        .collect();
    scored.sort_by(|x, y| y.1.total_cmp(&x.1).then(x.0.cmp(&y.0)));
    scored.into_iter().take(n).map(|(i, _)| i).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_short_name_finds_the_department_it_is_part_of_first() {
        let names = [
            "中央公民館",
            "中央図書館",
            "豊田図書館分室",
            "財政課",
            "図書館",
        ];
        assert_eq!(closest("図書館", &names[..4], 3), [1, 2]);
        assert_eq!(likeness("図書館", "図書館"), 1.0);
        assert_eq!(likeness("図 書 館", "図書館"), 1.0);
        assert_eq!(closest("ｻﾞｲｾｲｶ", &["財政課"], 3), Vec::<usize>::new());
        assert_eq!(closest("総務課", &names, 3), Vec::<usize>::new());
        assert!(likeness("中央図書館", "図書館") > likeness("中央図書館", "中央公民館"));
    }
}
