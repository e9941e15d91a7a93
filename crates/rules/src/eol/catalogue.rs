//! The lifecycle catalogue: release cycles of the operating systems and office suites
//! cities run, with the day vendor support ends. Bundled from endoflife.date's data and
//! refreshable offline from the same YAML or from endoflife.date's API JSON.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use yaml_rust2::{Yaml, YamlLoader};

/// Where the bundled facts come from (recorded with every product they fill).
pub const BUNDLED_SOURCE: &str = "endoflife.date (commit a70eca33, 2026-08-22)";

/// The products bundled in the binary: (product id, YAML text).
const BUNDLED: &[(&str, &str)] = &[
    ("windows", include_str!("../../eol/windows.yaml")),
    (
        "windows-server",
        include_str!("../../eol/windows-server.yaml"),
    ),
    (
        "windows-embedded",
        include_str!("../../eol/windows-embedded.yaml"),
    ),
    ("macos", include_str!("../../eol/macos.yaml")),
    ("ios", include_str!("../../eol/ios.yaml")),
    ("ipados", include_str!("../../eol/ipados.yaml")),
    ("android", include_str!("../../eol/android.yaml")),
    ("office", include_str!("../../eol/office.yaml")),
];

/// When security support ends for a release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum End {
    /// Ended on this day (support is over from this day on).
    On(NaiveDate),
    /// The vendor says it has ended but gives no day.
    Ended,
    /// Still supported, no end announced.
    Supported,
}

impl End {
    /// Stored form: an ISO date, `ended` or `supported`.
    pub fn code(self) -> String {
        match self {
            End::On(d) => d.to_string(),
            End::Ended => "ended".into(),
            End::Supported => "supported".into(),
        }
    }

    pub fn parse_code(s: &str) -> Option<End> {
        match s {
            "ended" => Some(End::Ended),
            "supported" => Some(End::Supported),
            d => parse_iso(d).map(End::On),
        }
    }

    /// The later of two ends: a product line is supported as long as its last release is.
    pub fn later(self, other: End) -> End {
        match (self, other) {
            (End::Supported, _) | (_, End::Supported) => End::Supported,
            (End::On(a), End::On(b)) => End::On(a.max(b)),
            (End::On(a), End::Ended) | (End::Ended, End::On(a)) => End::On(a),
            (End::Ended, End::Ended) => End::Ended,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Release {
    pub cycle: String,
    pub label: String,
    pub codename: Option<String>,
    pub release_date: Option<NaiveDate>,
    pub eol: End,
    /// End of paid extended support (ESU), when the vendor sells one.
    pub eoes: Option<NaiveDate>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Product {
    pub id: String,
    pub title: String,
    pub source: String,
    pub releases: Vec<Release>,
}

#[derive(Debug, Clone, Default)]
pub struct Catalogue {
    products: BTreeMap<String, Product>,
}

#[derive(Debug, thiserror::Error)]
pub enum CatalogueError {
    #[error("{0}: YAML として読めません: {1}")]
    Yaml(String, String),
    #[error("{0}: JSON として読めません: {1}")]
    Json(String, String),
    #[error(
        "{0}: releases の一覧がありません（endoflife.date の YAML か API の JSON を指定してください）"
    )]
    NoReleases(String),
    #[error("{file}: {cycle} の {field} が日付として読めません: {value}")]
    Date {
        file: String,
        cycle: String,
        field: &'static str,
        value: String,
    },
}

impl Catalogue {
    /// The catalogue compiled into the binary.
    pub fn bundled() -> Catalogue {
        // Parsed once per process: every audit starts from it.
        static PARSED: OnceLock<Catalogue> = OnceLock::new();
        PARSED
            .get_or_init(|| {
                let mut catalogue = Catalogue::default();
                for (id, text) in BUNDLED {
                    // The bundled files are checked by a test; a failure here is a build mistake.
                    if let Ok(p) = parse_yaml(id, text, BUNDLED_SOURCE) {
                        catalogue.insert(p);
                    }
                }
                catalogue
            })
            .clone()
    }

    /// Adds a product, replacing any earlier facts about it.
    pub fn insert(&mut self, product: Product) {
        self.products.insert(product.id.clone(), product);
    }

    pub fn product(&self, id: &str) -> Option<&Product> {
        self.products.get(id)
    }

    pub fn products(&self) -> impl Iterator<Item = &Product> {
        self.products.values()
    }
}

/// Reads a product from endoflife.date's release-data YAML (`releases:` with
/// `releaseCycle`, `eol`, `eoes`, ...). `id` names the product (the file's stem).
pub fn parse_yaml(id: &str, text: &str, source: &str) -> Result<Product, CatalogueError> {
    let docs = YamlLoader::load_from_str(text)
        .map_err(|e| CatalogueError::Yaml(id.into(), e.to_string()))?;
    let doc = docs
        .first()
        .ok_or_else(|| CatalogueError::NoReleases(id.into()))?;
    let list = doc["releases"]
        .as_vec()
        .ok_or_else(|| CatalogueError::NoReleases(id.into()))?;
    let mut releases = Vec::with_capacity(list.len());
    for r in list {
        let cycle =
            yaml_text(&r["releaseCycle"]).ok_or_else(|| CatalogueError::NoReleases(id.into()))?;
        let date = |field: &'static str| dated(id, &cycle, field, yaml_text(&r[field]));
        let eol = match &r["eol"] {
            Yaml::Boolean(true) => End::Ended,
            Yaml::Boolean(false) | Yaml::BadValue | Yaml::Null => End::Supported,
            _ => date("eol")?.map_or(End::Supported, End::On),
        };
        let eoes = match &r["eoes"] {
            Yaml::Boolean(_) => None,
            _ => date("eoes")?,
        };
        releases.push(Release {
            label: yaml_text(&r["releaseLabel"])
                .filter(|l| !l.contains("__"))
                .unwrap_or_else(|| cycle.clone()),
            codename: yaml_text(&r["codename"]),
            release_date: date("releaseDate")?,
            cycle,
            eol,
            eoes,
        });
    }
    Ok(Product {
        id: id.into(),
        title: yaml_text(&doc["title"]).unwrap_or_else(|| id.into()),
        source: source.into(),
        releases,
    })
}

/// Reads endoflife.date's API JSON: v1 (`{"result": {"name", "label", "releases": [{"name",
/// "label", "eolFrom", "isEol", "eoesFrom", ...}]}}`) or the older per-product array
/// (`[{"cycle", "eol": date|bool, "extendedSupport", ...}]`, product named by `id`).
pub fn parse_api_json(id: &str, text: &str, source: &str) -> Result<Product, CatalogueError> {
    let v: serde_json::Value =
        serde_json::from_str(text).map_err(|e| CatalogueError::Json(id.into(), e.to_string()))?;
    let result = v.get("result").unwrap_or(&v);
    let (pid, title, list) = match result {
        serde_json::Value::Array(list) => (id.to_string(), id.to_string(), list),
        obj => {
            let list = obj
                .get("releases")
                .and_then(|r| r.as_array())
                .ok_or_else(|| CatalogueError::NoReleases(id.into()))?;
            let name = obj.get("name").and_then(|n| n.as_str()).unwrap_or(id);
            let label = obj.get("label").and_then(|n| n.as_str()).unwrap_or(name);
            (name.to_string(), label.to_string(), list)
        }
    };
    let text_of = |r: &serde_json::Value, keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| match r.get(*k)? {
            serde_json::Value::String(s) => Some(s.clone()),
            serde_json::Value::Number(n) => Some(n.to_string()),
            _ => None,
        })
    };
    let mut releases = Vec::with_capacity(list.len());
    for r in list {
        let cycle =
            text_of(r, &["name", "cycle"]).ok_or_else(|| CatalogueError::NoReleases(id.into()))?;
        let date_of =
            |keys: &[&str], field: &'static str| dated(id, &cycle, field, text_of(r, keys));
        let eol = match date_of(&["eolFrom", "eol"], "eol")? {
            Some(d) => End::On(d),
            None => {
                let ended = r
                    .get("isEol")
                    .or_else(|| r.get("eol"))
                    .and_then(|b| b.as_bool());
                if ended == Some(true) {
                    End::Ended
                } else {
                    End::Supported
                }
            }
        };
        releases.push(Release {
            label: text_of(r, &["label"]).unwrap_or_else(|| cycle.clone()),
            codename: text_of(r, &["codename"]),
            release_date: date_of(&["releaseDate"], "releaseDate")?,
            eol,
            eoes: date_of(&["eoesFrom", "extendedSupport"], "eoes")?,
            cycle,
        });
    }
    Ok(Product {
        id: pid,
        title,
        source: source.into(),
        releases,
    })
}

/// A release's date field: absent is fine, unreadable is an error naming file, cycle and field.
fn dated(
    file: &str,
    cycle: &str,
    field: &'static str,
    value: Option<String>,
) -> Result<Option<NaiveDate>, CatalogueError> {
    match value {
        None => Ok(None),
        Some(v) => parse_iso(&v).map(Some).ok_or(CatalogueError::Date {
            file: file.into(),
            cycle: cycle.into(),
            field,
            value: v,
        }),
    }
}

/// An ISO date (2023-10-06), as the catalogue's sources and its stored form write them.
pub fn parse_iso(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").ok()
}

fn yaml_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}
