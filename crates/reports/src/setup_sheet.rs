//! The setup sheet (初回登録のご案内): one slip per person with their user name and the
//! setup code that opens their account, to print, cut and hand out. The QR code is that
//! of the setup page, drawn once and placed on every slip (a sheet for 10,000 people
//! stays a few megabytes); the code itself is typed, so it is never in a URL or a log.

use askama::Template;
use daicho_store::SetupSlip;

/// The sheet's print stylesheet.
pub const STYLESHEET: &str = include_str!("setup_sheet.css");

#[derive(Template)]
#[template(path = "setup_sheet.html")]
struct Sheet<'a> {
    tenant: &'a str,
    slips: &'a [SetupSlip],
    notes: &'a [String],
    welcome: String,
    qr: String,
    qr_side: usize,
    min_chars: usize,
    stylesheet: Option<&'a str>,
    back: Option<&'a str>,
    inline_css: &'a str,
}

impl Sheet<'_> {
    fn expires(&self, slip: &SetupSlip) -> String {
        daicho_domain::format_wareki(slip.expires_on)
    }
}

/// Where the sheet is shown: inside daicho (its stylesheet by link, a way back) or as a
/// file of its own (the stylesheet inline).
pub struct SheetPlace<'a> {
    pub stylesheet: Option<&'a str>,
    pub back: Option<&'a str>,
}

/// The sheet as HTML. `origin` is daicho's address as the staff reach it
/// (`https://daicho.city.example.lg.jp`); without it the slips name the page in words and
/// carry no QR code.
pub fn html(
    tenant: &str,
    slips: &[SetupSlip],
    notes: &[String],
    origin: Option<&str>,
    place: SheetPlace<'_>,
) -> Result<String, askama::Error> {
    let welcome = origin
        .map(|o| format!("{}/welcome", o.trim_end_matches('/')))
        .unwrap_or_default();
    let (qr, qr_side) = match crate::qr::symbol(&welcome, "welcome-qr") {
        Some((svg, side)) if !welcome.is_empty() => (svg, side),
        _ => (String::new(), 0),
    };
    Sheet {
        tenant,
        slips,
        notes,
        welcome,
        qr,
        qr_side,
        min_chars: daicho_store::MIN_PASSWORD_CHARS,
        stylesheet: place.stylesheet,
        back: place.back,
        inline_css: STYLESHEET,
    }
    .render()
}
