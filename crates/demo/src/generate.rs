//! Generated assets for benchmarks: deterministic (the same N gives the same rows), spread
//! over the demo city's sections, written in batches so memory stays bounded at any N.

use daicho_domain::{AssetKind, AssetStatus, NetworkSegment, Ownership, ProcuredBy};
use daicho_store::{Actor, AssetFields, Db, NewAssetBatch, Scope, StoreError, Tenant};

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
                    ownership: rng.pick(&[Ownership::Owned, Ownership::Leased, Ownership::Leased]),
                    procured_by: rng.pick(&[
                        ProcuredBy::Central,
                        ProcuredBy::Central,
                        ProcuredBy::Department,
                    ]),
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
