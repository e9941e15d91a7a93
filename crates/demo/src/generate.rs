//! Generated assets for benchmarks: deterministic (the same N gives the same rows), spread
//! over the demo city's sections, written in batches so memory stays bounded at any N.

use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
use daicho_store::{Actor, AssetFields, Db, NewAssetBatch, RowError, Scope, StoreError, Tenant};

/// Tags of generated assets start with this.
pub const GENERATED_PREFIX: &str = "G";

/// Rows per transaction.
const BATCH: usize = 10_000;

const OS: &[&str] = &[
    "Windows 10 Pro",
    "Windows 11 Pro",
    "Windows 10 Pro",
    "Windows 11 Pro",
    "Windows 8.1",
    "Windows 7",
    "Windows Server 2019",
    "iPadOS 16.7",
];
const KINDS: &[AssetKind] = &[
    AssetKind::Desktop,
    AssetKind::Desktop,
    AssetKind::Laptop,
    AssetKind::Tablet,
    AssetKind::Printer,
    AssetKind::UsbMemory,
    AssetKind::Monitor,
    AssetKind::Server,
];
const STATUSES: &[AssetStatus] = &[
    AssetStatus::InUse,
    AssetStatus::InUse,
    AssetStatus::InUse,
    AssetStatus::InUse,
    AssetStatus::InUse,
    AssetStatus::Spare,
    AssetStatus::Unused,
    AssetStatus::Retired,
];
const SEGMENTS: &[NetworkSegment] = &[
    NetworkSegment::Lgwan,
    NetworkSegment::Lgwan,
    NetworkSegment::Lgwan,
    NetworkSegment::Internet,
    NetworkSegment::MyNumber,
    NetworkSegment::School,
    NetworkSegment::Standalone,
];

/// A small deterministic generator (SplitMix64): benchmarks need the same data each run,
/// not cryptographic randomness.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[(self.next() % items.len() as u64) as usize]
    }
}

/// Adds `count` generated assets to `tenant`, numbered after those already generated, and
/// reports progress through `progress(done)`. Returns how many were written.
pub async fn generate_assets(
    db: &Db,
    tenant: &Tenant,
    count: usize,
    mut progress: impl FnMut(usize),
) -> Result<usize, StoreError> {
    let scope = Scope::tenant(tenant.id);
    let departments: Vec<i64> = db
        .departments(&scope)
        .await?
        .iter()
        .filter(|d| d.parent_id.is_some())
        .map(|d| d.id)
        .collect();
    if departments.is_empty() {
        return Err(StoreError::NotFound(
            "生成資産を割り当てる所属（先に demo を読み込んでください）".into(),
        ));
    }
    let start = db.count_generated_assets(&scope, GENERATED_PREFIX).await?;
    let actor = Actor::system("demo --scale");
    let mut rng = SplitMix(0x5EED_0000 + start as u64);
    let mut done = 0;
    while done < count {
        let n = BATCH.min(count - done);
        let assets: Vec<AssetFields> = (0..n)
            .map(|i| {
                let number = start + done + i + 1;
                let kind = rng.pick(KINDS);
                let has_os = matches!(
                    kind,
                    AssetKind::Desktop | AssetKind::Laptop | AssetKind::Tablet | AssetKind::Server
                );
                let year = 2010 + (rng.next() % 14) as i32;
                let month = 1 + (rng.next() % 12) as u32;
                AssetFields {
                    asset_tag: format!("{GENERATED_PREFIX}{number:08}"),
                    department_id: rng.pick(&departments),
                    location_id: None,
                    kind,
                    name: format!("{}（生成）", kind.label_ja()),
                    maker: Some(
                        rng.pick(&["富士通", "NEC", "Dell", "HP", "EPSON"])
                            .to_string(),
                    ),
                    model: None,
                    serial: Some(format!("SN{:010}", rng.next() % 10_000_000_000)),
                    quantity: 1,
                    os: has_os.then(|| rng.pick(OS).to_string()),
                    software: None,
                    network_segment: Some(rng.pick(SEGMENTS)),
                    internet: Some(rng.next().is_multiple_of(4)),
                    ownership: Some(rng.pick(&[
                        Ownership::Owned,
                        Ownership::Leased,
                        Ownership::Leased,
                    ])),
                    procured_by: Some(rng.pick(&[
                        ProcuredBy::Central,
                        ProcuredBy::Central,
                        ProcuredBy::Department,
                    ])),
                    acquired_on: chrono::NaiveDate::from_ymd_opt(year, month, 1),
                    cost_yen: Some(30_000 + (rng.next() % 300_000) as i64),
                    contract_no: None,
                    status: rng.pick(STATUSES),
                    antivirus: has_os.then(|| "Apex One".to_string()),
                    antivirus_updated_on: None,
                    retired_on: None,
                    disposed_on: None,
                    erasure_evidence: None,
                    procurement_doc: None,
                    system_name: None,
                    extended_support_until: None,
                    replacement_planned_on: None,
                    backup: None,
                    confidentiality: None,
                    replaced_by: None,
                    usage_ratio: None,
                    usage_checked_on: None,
                    note: None,
                    host_name: None,
                    mac_address: None,
                }
            })
            .collect();
        db.insert_asset_batch(
            &scope,
            &actor,
            &NewAssetBatch {
                source: format!("demo --scale ({})", start + done + 1),
                assets,
            },
        )
        .await?;
        done += n;
        progress(done);
    }
    Ok(done)
}

/// Rows of the other ledgers that go with `n` generated assets, as a city of that size
/// would have them: per 1,000 assets 250 staff (every fifth 会計年度任用職員), 50 training
/// records, 30 media with two check-outs each (one still out) and 10 contracts.
fn ledger_rows(
    number: usize,
    department: &str,
) -> Vec<(&'static str, Vec<(&'static str, String)>)> {
    let mut rows = Vec::new();
    let id = format!("{number:08}");
    if number.is_multiple_of(4) {
        let employment = if number.is_multiple_of(20) {
            "fiscal_year_appointed"
        } else {
            "regular"
        };
        rows.push((
            "staff",
            vec![
                ("staff_id", format!("GS{id}")),
                ("department", department.to_string()),
                ("employment", employment.to_string()),
            ],
        ));
        if number.is_multiple_of(20) {
            rows.push((
                "training",
                vec![
                    ("staff_id", format!("GS{id}")),
                    ("course", "e_learning".to_string()),
                    ("taken_on", format!("20{:02}-06-01", 18 + number % 8)),
                ],
            ));
        }
    }
    if number.is_multiple_of(33) {
        let media = format!("GM{id}");
        rows.push((
            "media",
            vec![
                ("media_id", media.clone()),
                ("department", department.to_string()),
                ("kind", "usb_memory".to_string()),
                (
                    "encrypted",
                    if number.is_multiple_of(2) {
                        "有"
                    } else {
                        "無"
                    }
                    .to_string(),
                ),
            ],
        ));
        for (day, returned) in [("2023-09-01 09:00", true), ("2023-09-15 09:00", false)] {
            rows.push((
                "media_movements",
                vec![
                    ("media_id", media.clone()),
                    ("out_at", day.to_string()),
                    ("out_by", "職員".to_string()),
                    ("purpose", "データの受け渡し".to_string()),
                    ("from_segment", "lgwan".to_string()),
                    ("to_segment", "lgwan".to_string()),
                    (
                        "returned_at",
                        if returned {
                            day.replace("09:00", "17:00")
                        } else {
                            String::new()
                        },
                    ),
                ],
            ));
        }
    }
    if number.is_multiple_of(100) {
        rows.push((
            "contracts",
            vec![
                ("contract_no", format!("GC{id}")),
                ("department", department.to_string()),
                ("title", "機器賃貸借（生成）".to_string()),
                ("kind", "賃貸借".to_string()),
                ("method", "general_tender".to_string()),
                ("bidder_count", (1 + number % 3).to_string()),
                ("supplier", "生成リース株式会社".to_string()),
                ("starts_on", "2022-04-01".to_string()),
            ],
        ));
    }
    rows
}

/// Staff, training, media with check-outs and contracts in proportion to the generated
/// assets (see [`ledger_rows`]), written through the ledger engine with their history,
/// for those of the first `assets` generated assets that do not have them yet.
pub async fn generate_ledgers(
    db: &Db,
    tenant: &Tenant,
    assets: usize,
    mut progress: impl FnMut(usize),
) -> Result<usize, StoreError> {
    let scope = Scope::tenant(tenant.id);
    let sections: Vec<String> = db
        .departments(&scope)
        .await?
        .into_iter()
        .filter(|d| d.parent_id.is_some())
        .map(|d| d.code)
        .collect();
    if sections.is_empty() {
        return Ok(0);
    }
    // Staff come every fourth asset: the staff already there say how far an earlier run got.
    let done_to = db
        .count_generated(&scope, "staff_members", "staff_id", "GS")
        .await?
        * 4;
    let actor = Actor::system("demo --scale");
    let mut written = 0;
    let mut number = done_to + 1;
    while number <= assets {
        let last = (number + BATCH - 1).min(assets);
        let mut rows = Vec::new();
        for n in number..=last {
            let department = &sections[n % sections.len()];
            for (name, cells) in ledger_rows(n, department) {
                let spec = daicho_store::ledgers::ledger(name)
                    .ok_or_else(|| StoreError::Internal(format!("no ledger {name}")))?;
                rows.push((spec, cells));
            }
        }
        written += db
            .write_rows(&scope, &actor, &rows)
            .await
            .map_err(|e| match e {
                RowError::Refused { row, errors } => {
                    StoreError::Internal(format!("generated row {row}: {errors:?}"))
                }
                RowError::Store(e) => e,
            })?;
        number = last + 1;
        progress(last);
    }
    Ok(written)
}
