//! The QR code that leads to a document's public authenticity page, drawn as vector
//! rectangles (one per run of dark modules in a row), so it prints sharp at any size.

use qrcode::{Color, EcLevel, QrCode};

use crate::layout::Shape;

/// Modules of the quiet zone around the code (ISO/IEC 18004 asks for four).
const QUIET: usize = 4;

/// The dark modules of the code for `url`, as rectangles in a square of `side` points at
/// (`x`, `y`), quiet zone included. Level M: 15 % of the code may be soiled or torn.
pub fn modules(url: &str, x: f32, y: f32, side: f32) -> Vec<Shape> {
    let Ok(code) = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M) else {
        return vec![];
    };
    let n = code.width();
    let module = side / (n + 2 * QUIET) as f32;
    let colors = code.to_colors();
    let mut out = Vec::new();
    for row in 0..n {
        let mut col = 0;
        while col < n {
            if colors[row * n + col] != Color::Dark {
                col += 1;
                continue;
            }
            let start = col;
            while col < n && colors[row * n + col] == Color::Dark {
                col += 1;
            }
            out.push(Shape::Rect {
                x: x + (QUIET + start) as f32 * module,
                y: y + (QUIET + row) as f32 * module,
                w: (col - start) as f32 * module,
                // A hair taller, so that rows join without seams when rasterised.
                h: module * 1.02,
            });
        }
    }
    out
}

/// The code for `url` as an SVG image (quiet zone included) for web pages — a public
/// certificate's card, say: one path of unit squares, one run of dark modules per
/// subpath, scaling sharply to any size. `None` when the text is too long for a QR code.
pub fn svg(url: &str, title: &str) -> Option<String> {
    let rows = matrix(url)?;
    let side = rows.len() + 2 * QUIET;
    let mut path = String::new();
    for (y, row) in rows.iter().enumerate() {
        let mut x = 0;
        while x < row.len() {
            if !row[x] {
                x += 1;
                continue;
            }
            let start = x;
            while x < row.len() && row[x] {
                x += 1;
            }
            path.push_str(&format!("M{} {}h{}v1h-{}z", start + QUIET, y + QUIET, x - start, x - start));
        }
    }
    let title = title.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;");
    Some(format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {side} {side}\" shape-rendering=\"crispEdges\" \
         role=\"img\" aria-label=\"{title}\"><title>{title}</title><rect width=\"{side}\" height=\"{side}\" \
         fill=\"#fff\"/><path fill=\"#000\" d=\"{path}\"/></svg>"
    ))
}

/// The code's modules as rows of booleans (dark = true), for tests that decode it back.
pub fn matrix(url: &str) -> Option<Vec<Vec<bool>>> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    Some((0..n).map(|r| (0..n).map(|c| colors[r * n + c] == Color::Dark).collect()).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    // rule: D-04
    #[test]
    fn the_svg_draws_every_dark_module_once_inside_the_quiet_zone() {
        let url = "https://zhifa.example.cn/gs/certificates/43070001";
        let rows = matrix(url).unwrap();
        let dark: usize = rows.iter().map(|r| r.iter().filter(|d| **d).count()).sum();
        let svg = svg(url, "执法证 <43070001> \"").unwrap();
        let side = rows.len() + 2 * QUIET;
        assert!(svg.contains(&format!("viewBox=\"0 0 {side} {side}\"")), "{svg}");
        assert!(svg.contains("执法证 &lt;43070001&gt; &quot;") && !svg.contains("<43070001>"));
        // Each subpath is `M x y h w v1 h-w z`: the widths add up to the dark modules.
        let d = svg.split(" d=\"").nth(1).unwrap().split('"').next().unwrap();
        let mut drawn = 0;
        for sub in d.split('z').filter(|s| !s.is_empty()) {
            let (at, rest) = sub.trim_start_matches('M').split_once('h').unwrap();
            let (x, y) = at.split_once(' ').unwrap();
            let (x, y): (usize, usize) = (x.parse().unwrap(), y.parse().unwrap());
            let w: usize = rest.split_once('v').unwrap().0.parse().unwrap();
            assert!(x >= QUIET && y >= QUIET && x + w <= side - QUIET && y < side - QUIET, "{sub}");
            assert!(rows[y - QUIET][x - QUIET..x - QUIET + w].iter().all(|d| *d), "{sub}");
            drawn += w;
        }
        assert_eq!(drawn, dark);
        assert!(super::svg(&"x".repeat(5000), "t").is_none(), "too long for a QR code");
    }
}
