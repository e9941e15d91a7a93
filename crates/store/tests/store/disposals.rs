//! Disposal with evidence: a batch of retired machines has its data erased (with the
//! certificate kept) and is then disposed of; each step refused out of order, each
//! machine's change in its history; the certificate comes back as it was given.

use crate::fixture::*;
use daicho_domain::{AssetStatus, ErasureMethod};
use daicho_store::Erasure;

#[tokio::test]
async fn retired_machines_are_erased_with_a_certificate_and_then_disposed_of() {
    let db = db().await;
    let (t, _, b) = city(&db).await;
    let scope = Scope::tenant(t.id);
    for tag in ["A-8", "A-9"] {
        let retired = pc(tag, "110")
            .with("status", "retired")
            .with("retired_on", "2026-03-31");
        db.create_asset(&scope, &actor(), &retired)
            .await
            .expect("retired");
    }
    let lines = db.disposal_lines(&scope).await.expect("lines");
    let ids: Vec<i64> = lines.iter().map(|l| l.asset_id).collect();
    assert_eq!(
        lines
            .iter()
            .map(|l| l.asset_tag.as_str())
            .collect::<Vec<_>>(),
        ["A-8", "A-9"],
        "the retired ones only"
    );
    let in_use = db
        .list_assets(
            &scope,
            &AssetFilter {
                search: Some("A-1".into()),
                page: 1,
                ..AssetFilter::default()
            },
        )
        .await
        .expect("A-1")
        .rows[0]
        .id;
    let day = NaiveDate::from_ymd_opt(2026, 11, 20).expect("day");
    let pdf = b"%PDF-1.4 certificate".to_vec();
    let erasure = Erasure {
        erased_on: day,
        method: ErasureMethod::PhysicalDestruction,
        erased_by: "株式会社リサイクル".into(),
        certificate_no: Some("No. 2026-118".into()),
        certificate: Some(("消去証明書.pdf".into(), pdf.clone())),
    };
    // Disposal before erasure, erasure without evidence, a machine in use: refused.
    assert!(matches!(
        db.record_disposal(&scope, &actor(), &ids, day, "株式会社リサイクル")
            .await,
        Err(StoreError::Invalid(_))
    ));
    let bare = Erasure {
        certificate_no: None,
        certificate: None,
        ..erasure.clone()
    };
    assert!(matches!(
        db.record_erasure(&scope, &actor(), &ids, &bare).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        db.record_erasure(&scope, &actor(), &[ids[0], in_use], &erasure)
            .await,
        Err(StoreError::NotFound(_)) | Err(StoreError::Invalid(_))
    ));
    // All or none: the refused batch left A-8 without an erasure.
    assert!(
        db.disposal_lines(&scope).await.expect("lines")[0]
            .erased_on
            .is_none()
    );
    let viewer = Scope {
        can_write: false,
        ..scope.clone()
    };
    assert!(matches!(
        db.record_erasure(&viewer, &actor(), &ids, &erasure).await,
        Err(StoreError::Forbidden(_))
    ));

    db.record_erasure(&scope, &actor(), &ids, &erasure)
        .await
        .expect("erased");
    db.record_disposal(&scope, &actor(), &ids, day, "株式会社リサイクル")
        .await
        .expect("disposed");
    let lines = db.disposal_lines(&scope).await.expect("lines");
    for l in &lines {
        assert_eq!(l.status, AssetStatus::Disposed);
        assert_eq!(l.method, Some(ErasureMethod::PhysicalDestruction));
        assert_eq!(l.certificate_no.as_deref(), Some("No. 2026-118"));
        assert_eq!(
            (l.disposed_on, l.contractor.as_deref()),
            (Some(day), Some("株式会社リサイクル"))
        );
    }
    let (certificate, _) = lines[0].certificate.clone().expect("certificate kept");
    assert_eq!(
        lines[1].certificate.as_ref().map(|c| c.0),
        Some(certificate),
        "one file for the batch"
    );
    let (name, bytes) = db
        .erasure_certificate(&scope, certificate)
        .await
        .expect("file");
    assert_eq!((name.as_str(), bytes), ("消去証明書.pdf", pdf));
    let asset = db.asset(&scope, ids[0]).await.expect("asset");
    assert_eq!(
        asset.fields.erasure_evidence.as_deref(),
        Some("物理破壊 2026-11-20 証明書 No. 2026-118")
    );
    let history = db.asset_history(&scope, ids[0]).await.expect("history");
    assert!(history.len() >= 3, "created, erased, disposed: {history:?}");
    // The library's manager sees neither the machines nor the certificate.
    let library = Scope {
        departments: Some(vec![b]),
        ..scope.clone()
    };
    assert!(db.disposal_lines(&library).await.expect("lines").is_empty());
    assert!(matches!(
        db.erasure_certificate(&library, certificate).await,
        Err(StoreError::NotFound(_))
    ));
}
