//! A QR code as inline SVG (one path of unit squares), for the pages that hand a link to
//! a phone: the authenticator app's setup, the staff's setup sheet.

use qrcode::{Color, EcLevel, QrCode};

/// The dark modules of `text`'s QR code as one SVG path, and the side with a quiet zone
/// of four modules.
fn modules(text: &str) -> Option<(String, usize)> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let n = code.width();
    let mut path = String::new();
    for (i, c) in code.to_colors().iter().enumerate() {
        if *c == Color::Dark {
            path.push_str(&format!("M{} {}h1v1h-1z", i % n + 4, i / n + 4));
        }
    }
    Some((path, n + 8))
}

/// `text`'s QR code as an SVG `<symbol>` with `id`, to be placed many times with
/// `<use href="#id">`, and its side.
pub fn symbol(text: &str, id: &str) -> Option<(String, usize)> {
    let (path, side) = modules(text)?;
    Some((
        format!(
            r##"<symbol id="{id}" viewBox="0 0 {side} {side}"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000" shape-rendering="crispEdges"/></symbol>"##
        ),
        side,
    ))
}

/// The SVG of `text`'s QR code with a quiet zone of four modules, drawn `size` CSS pixels
/// wide; None when the text is too long for a QR code.
pub fn svg(text: &str, size: u32, label: &str) -> Option<String> {
    let (path, side) = modules(text)?;
    // The label is the page's text, escaped as any attribute.
    let label: String = label
        .chars()
        .map(|c| match c {
            '<' => "&lt;".into(),
            '>' => "&gt;".into(),
            '&' => "&amp;".into(),
            '"' => "&quot;".into(),
            c => c.to_string(),
        })
        .collect();
    Some(format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" role="img" aria-label="{label}" width="{size}" height="{size}" viewBox="0 0 {side} {side}" shape-rendering="crispEdges"><rect width="{side}" height="{side}" fill="#fff"/><path d="{path}" fill="#000"/></svg>"##
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_link_becomes_a_square_svg_with_its_label_escaped() {
        let svg = super::svg("otpauth://totp/daicho:yamada?secret=ABC", 200, "<QR>").expect("svg");
        assert!(svg.starts_with("<svg") && svg.contains(r#"width="200""#));
        assert!(svg.contains("&lt;QR&gt;") && !svg.contains("<QR>"));
        assert!(super::svg(&"x".repeat(5000), 200, "").is_none());
    }
}
