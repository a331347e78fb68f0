//! Writes laid-out pages as PDF with krilla: each face embedded once as a subset of the
//! glyphs used (with its ToUnicode map, so the text can be searched and copied), glyphs
//! placed where the layout put them, shapes as vector paths.

use krilla::color::{luma, rgb};
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{GlyphId, KrillaGlyph};

use crate::DocError;
use crate::fonts::Fonts;
use crate::layout::{PAGE_H, PAGE_W, Page, Run, Shape};
use crate::model::Document;

fn fill(gray: bool) -> Fill {
    let paint = if gray { rgb::Color::new(120, 120, 120).into() } else { luma::Color::black().into() };
    Fill { paint, opacity: NormalizedF32::ONE, rule: Default::default() }
}

/// Writes the pages as a PDF document.
pub fn write_pdf(doc: &Document, pages: &[Page], fonts: &Fonts) -> Result<Vec<u8>, DocError> {
    let mut pdf = krilla::Document::new();
    let mut meta = Metadata::new().title(doc.title.clone()).language("zh-CN".into()).creator("zhifa".into());
    if !doc.agency.is_empty() {
        meta = meta.authors(vec![doc.agency.clone()]);
    }
    pdf.set_metadata(meta);
    let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| DocError::Pdf("页面尺寸无效".into()))?;
    for p in pages {
        let mut page = pdf.start_page_with(settings.clone());
        let mut s = page.surface();
        for shape in &p.shapes {
            draw_shape(&mut s, shape);
        }
        for run in &p.runs {
            draw_run(&mut s, run, fonts);
        }
        s.finish();
        page.finish();
    }
    pdf.finish().map_err(|e| DocError::Pdf(format!("{e:?}")))
}

fn draw_run(s: &mut krilla::surface::Surface<'_>, run: &Run, fonts: &Fonts) {
    s.set_stroke(None);
    s.set_fill(Some(fill(run.gray)));
    let mut x = run.x;
    let mut i = 0;
    // One call per stretch of glyphs from the same face.
    while i < run.glyphs.len() {
        let role = run.glyphs[i].role;
        let start = i;
        while i < run.glyphs.len() && run.glyphs[i].role == role {
            i += 1;
        }
        let glyphs: Vec<KrillaGlyph> = run.glyphs[start..i]
            .iter()
            .map(|g| KrillaGlyph {
                glyph_id: GlyphId::new(g.gid),
                text_range: g.range.clone(),
                x_advance: g.advance / run.size,
                x_offset: 0.0,
                y_offset: 0.0,
                y_advance: 0.0,
                location: None,
            })
            .collect();
        let width: f32 = run.glyphs[start..i].iter().map(|g| g.advance).sum();
        s.draw_glyphs(
            Point::from_xy(x, run.baseline),
            &glyphs,
            fonts.face(role).pdf.clone(),
            &run.text,
            run.size,
            false,
        );
        x += width;
    }
}

fn draw_shape(s: &mut krilla::surface::Surface<'_>, shape: &Shape) {
    let mut pb = PathBuilder::new();
    match *shape {
        Shape::Rect { x, y, w, h } => {
            if let Some(r) = Rect::from_xywh(x, y, w, h) {
                pb.push_rect(r);
            }
            s.set_stroke(None);
            s.set_fill(Some(fill(false)));
        }
        Shape::Line { x1, y1, x2, y2, width } => {
            pb.move_to(x1, y1);
            pb.line_to(x2, y2);
            s.set_fill(None);
            s.set_stroke(Some(Stroke { width, ..Default::default() }));
        }
        Shape::SealCircle { cx, cy, r } => {
            // Four cubic arcs.
            let k = 0.552_284_8 * r;
            pb.move_to(cx + r, cy);
            pb.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
            pb.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
            pb.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
            pb.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
            pb.close();
            s.set_fill(None);
            s.set_stroke(Some(Stroke {
                paint: rgb::Color::new(150, 150, 150).into(),
                width: 0.8,
                dash: Some(StrokeDash { array: vec![4.0, 3.0], offset: 0.0 }),
                ..Default::default()
            }));
        }
    }
    if let Some(path) = pb.finish() {
        s.draw_path(&path);
    }
}
