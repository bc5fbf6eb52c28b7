//! 获奖证书 as PDF: A4 landscape, one certificate per page, the layout of the HTML
//! certificate ([`super::certificate`]) drawn with `krilla`, with a CJK font from the system
//! embedded as a subset (a few kilobytes per document, whatever the font's size).
//!
//! The font is the machine's: `JURY_CJK_FONT` (a font file; `JURY_CJK_FONT_INDEX` picks a face
//! of a collection), else the first Simplified-Chinese face fontconfig lists (`fc-list
//! :lang=zh-cn`), serif preferred (Debian: `fonts-noto-cjk`). Without one, no PDF is written
//! and the command says why; the HTML prints the same certificate from any browser.
//!
//! Text is measured by display cells (a Han character or full-width mark is 1 em, anything
//! else about 0.55 em): enough to centre lines and to wrap a CJK sentence inside the frame,
//! with a margin for proportional Latin text.

use std::path::PathBuf;

use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{Font, TextDirection};
use krilla::Document;

use jury_core::results::Certificate;

/// A4 landscape in PostScript points.
const W: f32 = 841.89;
const H: f32 = 595.28;

/// A CJK font face on this machine: its file and face index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FontChoice {
    pub path: PathBuf,
    pub index: u32,
}

/// The font the PDF embeds (see the module docs), or `None` when the machine has none.
pub fn find_cjk_font() -> Option<FontChoice> {
    if let Some(path) = std::env::var_os("JURY_CJK_FONT") {
        let index = std::env::var("JURY_CJK_FONT_INDEX")
            .ok()
            .and_then(|i| i.parse().ok())
            .unwrap_or(0);
        return Some(FontChoice {
            path: path.into(),
            index,
        });
    }
    let out = std::process::Command::new("fc-list")
        .args([
            ":lang=zh-cn",
            "-f",
            "%{file}\t%{index}\t%{family}\t%{style}\n",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let mut faces: Vec<(i32, FontChoice)> = text
        .lines()
        .filter_map(|l| {
            let mut p = l.split('\t');
            let (file, index, family, style) = (p.next()?, p.next()?, p.next()?, p.next()?);
            let score = i32::from(family.contains("SC")) * 4
                + i32::from(family.contains("Serif") || family.contains("Song")) * 2
                + i32::from(style.contains("Regular"));
            Some((
                score,
                FontChoice {
                    path: file.into(),
                    index: index.parse().ok()?,
                },
            ))
        })
        .collect();
    // Best score first; equal scores by path so the choice is the same on every run.
    faces.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.path.cmp(&b.1.path)));
    faces.into_iter().next().map(|(_, f)| f)
}

/// Why no PDF could be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("{path}: cannot read the font: {source}")]
    FontFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}: face {index} is not a usable font")]
    BadFont { path: PathBuf, index: u32 },
    #[error("cannot write the PDF: {0}")]
    Pdf(String),
}

/// Width of `text` at `size`, by display cells (see the module docs).
fn text_width(text: &str, size: f32) -> f32 {
    text.chars()
        .map(|c| {
            if jury_core::text::width(c.encode_utf8(&mut [0; 4])) >= 2 {
                1.0
            } else {
                0.55
            }
        })
        .sum::<f32>()
        * size
}

struct Pen<'a, 'b> {
    s: &'a mut Surface<'b>,
    font: Font,
}

impl Pen<'_, '_> {
    fn colour(&mut self, r: u8, g: u8, b: u8) {
        self.s.set_stroke(None);
        self.s.set_fill(Some(Fill {
            paint: rgb::Color::new(r, g, b).into(),
            ..Fill::default()
        }));
    }

    /// `text` with its left end at `x` and its baseline at `y`.
    fn at(&mut self, x: f32, y: f32, size: f32, text: &str) {
        self.s.draw_text(
            Point::from_xy(x, y),
            self.font.clone(),
            size,
            text,
            false,
            TextDirection::Auto,
        );
    }

    /// `text` centred on `cx`, each character followed by `spacing` em.
    fn centred(&mut self, cx: f32, y: f32, size: f32, text: &str, spacing: f32) {
        if spacing == 0.0 {
            self.at(cx - text_width(text, size) / 2.0, y, size, text);
            return;
        }
        let n = text.chars().count() as f32;
        let total = text_width(text, size) + spacing * size * (n - 1.0).max(0.0);
        let mut x = cx - total / 2.0;
        for c in text.chars() {
            let one = c.to_string();
            self.at(x, y, size, &one);
            x += text_width(&one, size) + spacing * size;
        }
    }

    fn rect(&mut self, inset: f32, width: f32, (r, g, b): (u8, u8, u8)) {
        let mut pb = PathBuilder::new();
        if let Some(rect) = Rect::from_xywh(inset, inset, W - 2.0 * inset, H - 2.0 * inset) {
            pb.push_rect(rect);
        }
        if let Some(path) = pb.finish() {
            self.s.set_fill(None);
            self.s.set_stroke(Some(Stroke {
                paint: rgb::Color::new(r, g, b).into(),
                width,
                ..Stroke::default()
            }));
            self.s.draw_path(&path);
        }
    }
}

/// Lines of `text` no wider than `width` at `size`, the first `indent` narrower; breaks
/// between any two characters (CJK text has no spaces), never before closing punctuation.
fn wrap(text: &str, size: f32, width: f32, indent: f32) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    let mut room = width - indent;
    for c in text.chars() {
        let one = c.to_string();
        let closing = "，。、；：！？）》」』”’,.;:!?)".contains(c);
        if !line.is_empty() && !closing && text_width(&line, size) + text_width(&one, size) > room {
            lines.push(std::mem::take(&mut line));
            room = width;
        }
        line.push(c);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn page(pen: &mut Pen<'_, '_>, c: &Certificate, number_label: &str, details: &str) {
    let gold = (176, 141, 46);
    pen.rect(26.0, 3.0, gold);
    pen.rect(33.0, 1.0, gold);
    pen.colour(85, 85, 85);
    let number = format!("{number_label}{}", c.number);
    pen.at(W - 60.0 - text_width(&number, 11.0), 62.0, 11.0, &number);
    pen.colour(163, 21, 21);
    pen.centred(W / 2.0, 150.0, 40.0, &c.heading, 0.5);
    pen.colour(34, 34, 34);
    let (size, left) = (19.0, 95.0);
    let mut y = 215.0;
    for (i, l) in wrap(&c.body, size, W - 2.0 * left, 2.0 * size)
        .iter()
        .enumerate()
    {
        let x = if i == 0 { left + 2.0 * size } else { left };
        pen.at(x, y, size, l);
        y += size * 1.9;
    }
    pen.colour(163, 21, 21);
    pen.centred(W / 2.0, y + 34.0, 36.0, &c.award_label, 0.3);
    pen.colour(68, 68, 68);
    pen.centred(W / 2.0, y + 70.0, 11.5, details, 0.0);
    pen.colour(34, 34, 34);
    let cx = W - 190.0;
    let mut y = H - 70.0 - 26.0 * c.issuers.len() as f32;
    for i in &c.issuers {
        pen.centred(cx, y, 15.0, i, 0.0);
        y += 26.0;
    }
    pen.centred(cx, y + 8.0, 15.0, &c.date, 0.0);
}

/// The PDF with `certs`, one per page, in `font`. `number_label` ("证书编号：") and
/// `details` (one line per certificate) are the caller's words.
pub fn render(
    certs: &[Certificate],
    font: &FontChoice,
    number_label: &str,
    details: impl Fn(&Certificate) -> String,
) -> Result<Vec<u8>, PdfError> {
    let data = std::fs::read(&font.path).map_err(|source| PdfError::FontFile {
        path: font.path.clone(),
        source,
    })?;
    let face = Font::new(data.into(), font.index).ok_or_else(|| PdfError::BadFont {
        path: font.path.clone(),
        index: font.index,
    })?;
    let mut doc = Document::new();
    for c in certs {
        let settings = PageSettings::from_wh(W, H).ok_or_else(|| PdfError::Pdf("page".into()))?;
        let mut p = doc.start_page_with(settings);
        let mut surface = p.surface();
        let mut pen = Pen {
            s: &mut surface,
            font: face.clone(),
        };
        page(&mut pen, c, number_label, &details(c));
        surface.finish();
        p.finish();
    }
    doc.finish().map_err(|e| PdfError::Pdf(format!("{e:?}")))
}

/// Pages of a PDF jury wrote (its page objects), for checks.
pub fn page_count(pdf: &[u8]) -> usize {
    let needle = b"/Type /Page";
    pdf.windows(needle.len() + 1)
        .filter(|w| &w[..needle.len()] == needle && w[needle.len()] != b's')
        .count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cjk_text_wraps_inside_the_width_and_keeps_punctuation() {
        let lines = wrap("一二三四五，六七八九十", 10.0, 50.0, 0.0);
        assert_eq!(lines, ["一二三四五，", "六七八九十"]);
        let lines = wrap("一二三四五六七", 10.0, 50.0, 20.0);
        assert_eq!(lines, ["一二三", "四五六七"]);
        assert!((text_width("ab一", 10.0) - 21.0).abs() < 1e-4);
    }
}
