//! From an OS or software name as a city wrote it ("Win7", "Windows10Pro", "Ｗｉｎｄｏｗｓ
//! Ｓｅｒｖｅｒ２０１２ Ｒ２", "iPadOS 16.7") to a release cycle of the catalogue and the
//! day its support ends. A name without a version ("Windows 10 Pro") takes the last end
//! of its product line (for the editions it names); a name that matches nothing is not
//! guessed at.

use chrono::NaiveDate;
use daicho_domain::normalize_width;

use super::catalogue::{Catalogue, End, Release};

/// What a written name was recognised as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identified {
    pub product: String,
    /// The catalogue's cycle, or the product line (e.g. `10`) when no version was written.
    pub cycle: String,
    /// How it is shown: "Windows 8", "Windows Server 2008 R2 SP1", "iPadOS 16".
    pub label: String,
    pub eol: End,
    pub eoes: Option<NaiveDate>,
}

/// Which Windows editions a name speaks of: they have different cycles and ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Edition {
    /// Home / Pro: cycles ending `-w` and cycles without a suffix.
    Consumer,
    /// Enterprise / Education: `-e`.
    Enterprise,
    /// LTSB / LTSC: `-e-lts`.
    LongTerm,
    /// IoT: `-iot`, `-iot-lts`.
    Iot,
}

impl Catalogue {
    /// Recognises one written name, or `None` when it names nothing the catalogue knows.
    pub fn identify(&self, written: &str) -> Option<Identified> {
        let s = simplify(written);
        if s.is_empty() {
            return None;
        }
        if s.contains("server") || s.contains("svr") {
            return self.windows_server(&s);
        }
        if s.contains("embedded") || s.contains("posready") {
            return self.windows_embedded(&s);
        }
        if let Some(rest) = after(&s, &["office"]) {
            return self.office(rest);
        }
        if let Some(rest) = after(&s, &["ipados"]) {
            return self.numbered("ipados", "iPadOS", rest, false);
        }
        if let Some(rest) = after(&s, &["iphoneos", "ios"]) {
            return self.numbered("ios", "iOS", rest, false);
        }
        if let Some(rest) = after(&s, &["android"]) {
            return self.numbered("android", "Android", rest, true);
        }
        if let Some(rest) = after(&s, &["macosx", "macos", "osx", "mac"]) {
            return self.macos(rest);
        }
        if let Some(rest) = after(&s, &["windows", "win"]) {
            return self.windows(rest);
        }
        None
    }

    fn windows(&self, rest: &str) -> Option<Identified> {
        // Windows 2000 (Professional) shares Windows 2000 Server's end (2010-07-13); the
        // catalogue lists it under Windows Server only.
        if rest.starts_with("2000") {
            return self.pick("windows-server", "Windows", "2000", |c| c == "2000");
        }
        let (major, after_major) = if let Some(r) = rest.strip_prefix("xp") {
            ("5", r)
        } else if let Some(r) = rest.strip_prefix("vista") {
            ("6", r)
        } else {
            // Spaces are gone by now ("Windows 10 21H2" reads "1021h2"): take a known major.
            let n = ["11", "10", "8.1", "8", "7"]
                .into_iter()
                .find(|m| rest.starts_with(m))?;
            (n, &rest[n.len()..])
        };
        let shown = match major {
            "5" => "XP".to_string(),
            "6" => "Vista".to_string(),
            m => m.to_string(),
        };
        let long_term = after_major.contains("ltsb") || after_major.contains("ltsc");
        let edition = if after_major.contains("iot") {
            Edition::Iot
        } else if long_term {
            Edition::LongTerm
        } else if after_major.contains("enterprise") || after_major.contains("education") {
            Edition::Enterprise
        } else {
            Edition::Consumer
        };
        let feature = feature_update(after_major, long_term);
        let product = self.product("windows")?;
        let family: Vec<&Release> = product
            .releases
            .iter()
            .filter(|r| r.cycle == major || r.cycle.starts_with(&format!("{major}-")))
            .filter(|r| edition_accepts(edition, &r.cycle))
            .collect();
        let chosen: Vec<&Release> = match &feature {
            Some(f) => family
                .iter()
                .copied()
                .filter(|r| r.cycle.split('-').nth(1) == Some(f.as_str()))
                .collect(),
            None => family,
        };
        let label = match &feature {
            Some(f) => format!("Windows {shown} {}", f.to_uppercase()),
            None => format!("Windows {shown}"),
        };
        let cycle = match (&feature, chosen.as_slice()) {
            (_, [one]) => one.cycle.clone(),
            (Some(f), _) => format!("{major}-{f}"),
            (None, _) => major.to_string(),
        };
        combine("windows", cycle, label, &chosen)
    }

    fn windows_server(&self, s: &str) -> Option<Identified> {
        let year = [
            "2000", "2003", "2008", "2012", "2016", "2019", "2022", "2025",
        ]
        .into_iter()
        .find(|y| s.contains(y))?;
        let r2 = s.contains(&format!("{year}r2"));
        self.pick(
            "windows-server",
            &format!("Windows Server {year}{}", if r2 { " R2" } else { "" }),
            year,
            |c| (c == year || c.starts_with(&format!("{year}-"))) && c.contains("r2") == r2,
        )
    }

    fn windows_embedded(&self, s: &str) -> Option<Identified> {
        let product = self.product("windows-embedded")?;
        let pick = |s: &str| -> Vec<&Release> {
            product
                .releases
                .iter()
                .filter(|r| {
                    r.cycle
                        .split('-')
                        .filter(|t| {
                            !(t.starts_with("sp") && t[2..].chars().all(|c| c.is_ascii_digit()))
                        })
                        .all(|t| s.contains(t))
                })
                .collect()
        };
        let mut chosen = pick(s);
        if chosen.is_empty() {
            // "Windows 7 Embedded", as ledgers write it, names no edition: it is Standard.
            chosen = pick(&format!("{s} standard"));
        }
        let one = chosen.first()?;
        combine(
            "windows-embedded",
            one.cycle.clone(),
            format!("Windows Embedded {}", one.label),
            &chosen[..1],
        )
    }

    /// iOS, iPadOS, Android: cycles are a major version (Android also `8.1`, `12.1`).
    fn numbered(&self, id: &str, name: &str, rest: &str, minor_cycles: bool) -> Option<Identified> {
        let v = leading_version(rest)?;
        let mut parts = v.split('.');
        let major = parts.next()?;
        let minor = parts.next();
        let product = self.product(id)?;
        let exact = |c: &str| product.releases.iter().find(|r| r.cycle == c);
        let twelve_l = rest[v.len()..].starts_with('l');
        let release = if minor_cycles {
            let with_minor = match (minor, twelve_l) {
                (_, true) => Some(format!("{major}.1")),
                (Some(m), _) => Some(format!("{major}.{m}")),
                _ => None,
            };
            with_minor
                .and_then(|c| exact(&c))
                .or_else(|| exact(major))
                .or_else(|| exact(&format!("{major}.0")))
        } else {
            exact(major)
        }?;
        combine(
            id,
            release.cycle.clone(),
            format!("{name} {}", release.cycle),
            &[release],
        )
    }

    fn macos(&self, rest: &str) -> Option<Identified> {
        let product = self.product("macos")?;
        let by_codename = product
            .releases
            .iter()
            .filter_map(|r| {
                let name = simplify(r.codename.as_deref()?);
                rest.contains(&name).then_some((name.len(), r))
            })
            .max_by_key(|(len, _)| *len)
            .map(|(_, r)| r);
        let release = match by_codename {
            Some(r) => r,
            None => {
                let v = leading_version(rest)?;
                let mut parts = v.split('.');
                let major = parts.next()?;
                let cycle = match (major, parts.next()) {
                    ("10", Some(minor)) => format!("10.{minor}"),
                    _ => major.to_string(),
                };
                product.releases.iter().find(|r| r.cycle == cycle)?
            }
        };
        combine(
            "macos",
            release.cycle.clone(),
            format!("macOS {}", release.cycle),
            &[release],
        )
    }

    fn office(&self, rest: &str) -> Option<Identified> {
        let year = leading_digits_anywhere(rest)?;
        let mac = rest.contains("mac");
        let ltsc = rest.contains("ltsc");
        let wanted = match (mac, ltsc) {
            (true, _) => format!("{year}-for-mac"),
            (_, true) => format!("{year}-ltsc"),
            _ => year.to_string(),
        };
        let product = self.product("office")?;
        let release = product
            .releases
            .iter()
            .find(|r| r.cycle == wanted)
            .or_else(|| product.releases.iter().find(|r| r.cycle == year))?;
        combine(
            "office",
            release.cycle.clone(),
            format!("Office {}", release.label),
            &[release],
        )
    }

    /// The releases of `id` whose cycle `accept`s, as one line: the last end applies.
    fn pick(
        &self,
        id: &str,
        label: &str,
        line: &str,
        accept: impl Fn(&str) -> bool,
    ) -> Option<Identified> {
        let chosen: Vec<&Release> = self
            .product(id)?
            .releases
            .iter()
            .filter(|r| accept(&r.cycle))
            .collect();
        let cycle = match chosen.as_slice() {
            [one] => one.cycle.clone(),
            _ => line.to_string(),
        };
        combine(id, cycle, label.to_string(), &chosen)
    }
}

/// One result for a set of releases: the last end of them (and of their extended support).
fn combine(
    product: &str,
    cycle: String,
    label: String,
    releases: &[&Release],
) -> Option<Identified> {
    let first = releases.first()?;
    let eol = releases.iter().fold(first.eol, |acc, r| acc.later(r.eol));
    let eoes = releases.iter().filter_map(|r| r.eoes).max();
    Some(Identified {
        product: product.to_string(),
        cycle,
        label,
        eol,
        eoes,
    })
}

fn edition_accepts(edition: Edition, cycle: &str) -> bool {
    let tags: Vec<&str> = cycle.split('-').skip(2).collect();
    let has = |t: &str| tags.contains(&t);
    match edition {
        Edition::Consumer => !has("e") && !has("lts") && !has("iot"),
        Edition::Enterprise => !has("w") && !has("lts") && !has("iot"),
        Edition::LongTerm => has("lts") && !has("iot"),
        Edition::Iot => has("iot"),
    }
}

/// A feature-update version ("22h2", "1809"), or the LTSC year ("2019" → 1809).
fn feature_update(s: &str, long_term: bool) -> Option<String> {
    let chars: Vec<char> = s.chars().collect();
    for i in 0..chars.len() {
        if i > 0 && chars[i - 1].is_ascii_digit() {
            continue;
        }
        let digits: String = chars[i..]
            .iter()
            .take_while(|c| c.is_ascii_digit())
            .collect();
        if digits.len() == 2
            && chars.get(i + 2) == Some(&'h')
            && chars.get(i + 3).is_some_and(|c| c.is_ascii_digit())
        {
            return Some(format!("{digits}h{}", chars[i + 3]));
        }
        if digits.len() == 4 {
            if long_term {
                let by_year = match digits.as_str() {
                    "2015" => Some("1507"),
                    "2016" => Some("1607"),
                    "2019" => Some("1809"),
                    "2021" => Some("21h2"),
                    _ => None,
                };
                if let Some(v) = by_year {
                    return Some(v.to_string());
                }
            }
            if digits.starts_with("15")
                || digits.starts_with("16")
                || digits.starts_with("17")
                || digits.starts_with("18")
                || digits.starts_with("19")
                || digits == "2004"
            {
                return Some(digits);
            }
        }
    }
    None
}

/// Lower case, ASCII width, no spaces or separators; katakana names read as their Latin form.
fn simplify(written: &str) -> String {
    let mut s = normalize_width(written).to_lowercase();
    for (kana, latin) in [
        ("ウィンドウズ", "windows"),
        ("ウインドウズ", "windows"),
        ("サーバー", "server"),
        ("サーバ", "server"),
        ("オフィス", "office"),
        ("アンドロイド", "android"),
        ("マイクロソフト", ""),
        ("ｓｐ", "sp"),
    ] {
        s = s.replace(kana, latin);
    }
    s.chars()
        .filter(|c| {
            !c.is_whitespace() && !matches!(c, '-' | '_' | '(' | ')' | '（' | '）' | '・' | ',')
        })
        .map(|c| match c {
            'Ⅱ' => '2',
            c => c,
        })
        .collect::<String>()
        .replace("microsoft", "")
}

/// The text after the first of `keys` found in `s`.
fn after<'a>(s: &'a str, keys: &[&str]) -> Option<&'a str> {
    keys.iter()
        .find_map(|k| s.find(k).map(|i| &s[i + k.len()..]))
}

/// A version at the start: "10", "8.1", "16.7.2" (a trailing dot is not part of it).
fn leading_version(s: &str) -> Option<&str> {
    let end = s
        .char_indices()
        .take_while(|(_, c)| c.is_ascii_digit() || *c == '.')
        .map(|(i, c)| i + c.len_utf8())
        .last()?;
    let v = s[..end].trim_end_matches('.');
    (!v.is_empty()).then_some(v)
}

/// The first four-digit number anywhere ("professionalplus2013" → 2013).
fn leading_digits_anywhere(s: &str) -> Option<&str> {
    let bytes = s.as_bytes();
    (0..bytes.len()).find_map(|i| {
        let run = bytes[i..].iter().take_while(|b| b.is_ascii_digit()).count();
        (run == 4 && (i == 0 || !bytes[i - 1].is_ascii_digit())).then(|| &s[i..i + 4])
    })
}
