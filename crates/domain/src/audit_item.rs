//! How an audit report numbers its items (監査の結果及び意見): 総1, 総2, … in the order the
//! auditor put the general items; 個1, 個2, … as the individual items first appear, walking
//! the departments in the order they were visited (往査). An individual item found in more
//! than one department keeps its first number everywhere and is marked 「(共通)」 wherever
//! it appears, the first place included; it is counted once. A visited department with no
//! item shows 「指摘又は意見なし」.

use std::collections::BTreeMap;
use std::fmt;

use crate::code_enum::code_enum;

code_enum! {
    /// Where a department's measure on an item stands (措置の状況).
    MeasureStatus, "措置の状況" {
        Done => "done", "措置済";
        InProgress => "in_progress", "措置中";
        NotTaken => "not_taken", "未措置";
    }
}

code_enum! {
    /// A department's answer to a horizontal check (横展開の回答).
    CheckAnswer, "横展開の回答" {
        None => "none", "該当なし";
        Found => "found", "該当あり";
        Fixed => "fixed", "対応済";
    }
}

/// Whether an item is of the audit as a whole (総論) or of departments (個別事案).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ItemScope {
    General,
    Individual,
}

impl ItemScope {
    /// Its name in the schema and the API.
    pub fn code(self) -> &'static str {
        match self {
            ItemScope::General => "general",
            ItemScope::Individual => "individual",
        }
    }
}

/// Where an item stands, as numbering needs it: its scope, grade, and the departments it
/// was found in (none for a general item).
#[derive(Debug, Clone)]
pub struct ItemPlace<'a, D, G> {
    pub scope: ItemScope,
    pub grade: G,
    pub departments: &'a [D],
}

/// An item's number as the report prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ItemNumber {
    pub scope: ItemScope,
    pub n: u32,
    /// Found in more than one department: 「(共通)」.
    pub shared: bool,
}

impl fmt::Display for ItemNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let prefix = match self.scope {
            ItemScope::General => "総",
            ItemScope::Individual => "個",
        };
        write!(f, "{prefix}{}", self.n)?;
        if self.shared {
            f.write_str(" (共通)")?;
        }
        Ok(())
    }
}

/// The numbers of an audit's items and the report's list by department.
#[derive(Debug, Clone)]
pub struct Numbering<D, G> {
    /// Each item's number, in the order the items were given; `None` for an individual
    /// item none of whose departments was visited (the report has no place for it).
    pub numbers: Vec<Option<ItemNumber>>,
    /// The general items (indexes), in their order.
    pub general: Vec<usize>,
    /// Every visited department in visit order with its items (indexes) by number; an
    /// empty list is 「指摘又は意見なし」.
    pub by_department: Vec<(D, Vec<usize>)>,
    /// Items counted once each: (grade, scope) → how many.
    pub counts: BTreeMap<(G, ItemScope), u32>,
}

/// Numbers `items` as the report does, walking `visits` (departments in visit order).
pub fn number<D: PartialEq + Clone, G: Ord + Clone>(
    items: &[ItemPlace<'_, D, G>],
    visits: &[D],
) -> Numbering<D, G> {
    let mut numbers: Vec<Option<ItemNumber>> = vec![None; items.len()];
    let mut general = Vec::new();
    for (i, item) in items.iter().enumerate() {
        if item.scope == ItemScope::General {
            general.push(i);
            numbers[i] = Some(ItemNumber {
                scope: ItemScope::General,
                n: general.len() as u32,
                shared: false,
            });
        }
    }
    let visited = |item: &ItemPlace<'_, D, G>| {
        item.departments
            .iter()
            .filter(|d| visits.contains(d))
            .count()
    };
    let mut next = 0u32;
    let mut by_department = Vec::with_capacity(visits.len());
    for department in visits {
        let mut here: Vec<usize> = Vec::new();
        for (i, item) in items.iter().enumerate() {
            if item.scope != ItemScope::Individual || !item.departments.contains(department) {
                continue;
            }
            if numbers[i].is_none() {
                next += 1;
                numbers[i] = Some(ItemNumber {
                    scope: ItemScope::Individual,
                    n: next,
                    shared: visited(item) > 1,
                });
            }
            here.push(i);
        }
        here.sort_by_key(|i| numbers[*i].map(|n| n.n));
        by_department.push((department.clone(), here));
    }
    let mut counts = BTreeMap::new();
    for (item, number) in items.iter().zip(&numbers) {
        if number.is_some() {
            *counts.entry((item.grade.clone(), item.scope)).or_insert(0) += 1;
        }
    }
    Numbering {
        numbers,
        general,
        by_department,
        counts,
    }
}
