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

/// The code's modules as rows of booleans (dark = true), for tests that decode it back.
pub fn matrix(url: &str) -> Option<Vec<Vec<bool>>> {
    let code = QrCode::with_error_correction_level(url.as_bytes(), EcLevel::M).ok()?;
    let n = code.width();
    let colors = code.to_colors();
    Some((0..n).map(|r| (0..n).map(|c| colors[r * n + c] == Color::Dark).collect()).collect())
}
