//! Real Word documents for tests: a minimal valid WordprocessingML package (content types,
//! the package relationship and `word/document.xml`) written with the zip crate, so the
//! reader meets the same structure Word and WPS write.

use std::io::Write;
use std::path::Path;

/// One table cell: its text (lines become paragraphs), the grid columns it spans, and its
/// vertical merge (`Some(true)` starts one, `Some(false)` continues the one above).
#[derive(Debug, Clone, Default)]
pub struct DocCell {
    pub text: String,
    pub span: usize,
    pub vmerge: Option<bool>,
}

impl DocCell {
    pub fn span(mut self, n: usize) -> DocCell {
        self.span = n;
        self
    }
    pub fn merge_start(mut self) -> DocCell {
        self.vmerge = Some(true);
        self
    }
    /// The continuation of a cell merged down (no text of its own).
    pub fn merged() -> DocCell {
        DocCell {
            vmerge: Some(false),
            ..DocCell::default()
        }
    }
}

impl From<&str> for DocCell {
    fn from(text: &str) -> DocCell {
        DocCell {
            text: text.to_string(),
            ..DocCell::default()
        }
    }
}

impl From<String> for DocCell {
    fn from(text: String) -> DocCell {
        DocCell {
            text,
            ..DocCell::default()
        }
    }
}

/// A document body built paragraph by paragraph and table by table.
#[derive(Debug, Clone, Default)]
pub struct Docx {
    body: String,
}

fn esc(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// A paragraph whose text is split over two runs (as Word does after an edit).
fn paragraph(text: &str) -> String {
    if text.is_empty() {
        return "<w:p/>".into();
    }
    let mid = text
        .char_indices()
        .nth(text.chars().count() / 2)
        .map_or(0, |(i, _)| i);
    let (a, b) = text.split_at(mid);
    format!(
        "<w:p><w:r><w:rPr><w:rFonts w:hint=\"eastAsia\"/></w:rPr><w:t xml:space=\"preserve\">{}</w:t></w:r><w:r><w:t>{}</w:t></w:r></w:p>",
        esc(a),
        esc(b)
    )
}

impl Docx {
    pub fn new() -> Docx {
        Docx::default()
    }

    pub fn para(mut self, text: &str) -> Docx {
        self.body.push_str(&paragraph(text));
        self
    }

    /// A table of rows of cells (`&str` or [`DocCell`]).
    pub fn table<C: Into<DocCell> + Clone>(mut self, rows: &[Vec<C>]) -> Docx {
        let cols = rows
            .iter()
            .map(|r| {
                r.iter()
                    .map(|c| c.clone().into().span.max(1))
                    .sum::<usize>()
            })
            .max()
            .unwrap_or(1);
        self.body
            .push_str("<w:tbl><w:tblPr><w:tblW w:w=\"0\" w:type=\"auto\"/></w:tblPr><w:tblGrid>");
        for _ in 0..cols {
            self.body.push_str("<w:gridCol w:w=\"1800\"/>");
        }
        self.body.push_str("</w:tblGrid>");
        for row in rows {
            self.body.push_str("<w:tr>");
            for c in row {
                let c: DocCell = c.clone().into();
                self.body
                    .push_str("<w:tc><w:tcPr><w:tcW w:w=\"1800\" w:type=\"dxa\"/>");
                if c.span > 1 {
                    self.body
                        .push_str(&format!("<w:gridSpan w:val=\"{}\"/>", c.span));
                }
                match c.vmerge {
                    Some(true) => self.body.push_str("<w:vMerge w:val=\"restart\"/>"),
                    Some(false) => self.body.push_str("<w:vMerge/>"),
                    None => {}
                }
                self.body.push_str("</w:tcPr>");
                let lines: Vec<&str> = c.text.split('\n').collect();
                for line in lines {
                    self.body.push_str(&paragraph(line));
                }
                self.body.push_str("</w:tc>");
            }
            self.body.push_str("</w:tr>");
        }
        self.body.push_str("</w:tbl><w:p/>");
        self
    }

    /// Raw WordprocessingML appended to the body.
    pub fn raw(mut self, xml: &str) -> Docx {
        self.body.push_str(xml);
        self
    }

    /// The `word/document.xml` text.
    pub fn document_xml(&self) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\"><w:body>{}<w:sectPr><w:pgSz w:w=\"11906\" w:h=\"16838\"/></w:sectPr></w:body></w:document>",
            self.body
        )
    }

    /// Writes the package to `path` (deflated, as Word writes it).
    pub fn write(&self, path: &Path) -> std::io::Result<()> {
        write_package(path, &self.document_xml())
    }
}

const CONTENT_TYPES: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"><Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/><Default Extension=\"xml\" ContentType=\"application/xml\"/><Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/></Types>";

const PACKAGE_RELS: &str = "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\"><Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/></Relationships>";

/// Writes a .docx package whose `word/document.xml` is `document`.
pub fn write_package(path: &Path, document: &str) -> std::io::Result<()> {
    write_parts(
        path,
        &[
            ("[Content_Types].xml", CONTENT_TYPES.as_bytes()),
            ("_rels/.rels", PACKAGE_RELS.as_bytes()),
            ("word/document.xml", document.as_bytes()),
        ],
    )
}

/// Writes a zip of the given parts, deflated.
pub fn write_parts(path: &Path, parts: &[(&str, &[u8])]) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, bytes) in parts {
        zip.start_file(*name, opts).map_err(std::io::Error::other)?;
        zip.write_all(bytes)?;
    }
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}

/// A .docx whose document part is `filler` repeated until it unpacks to `unpacked` bytes
/// (a zip bomb of a few hundred kilobytes), written by streaming.
pub fn write_bomb(path: &Path, unpacked: u64) -> std::io::Result<()> {
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path)?);
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .large_file(unpacked > u32::MAX as u64);
    for (name, bytes) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", PACKAGE_RELS),
    ] {
        zip.start_file(name, opts).map_err(std::io::Error::other)?;
        zip.write_all(bytes.as_bytes())?;
    }
    zip.start_file("word/document.xml", opts)
        .map_err(std::io::Error::other)?;
    let head = "<?xml version=\"1.0\"?><w:document xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\"><w:body><w:tbl><w:tr>";
    zip.write_all(head.as_bytes())?;
    let chunk = "<w:tc/>".repeat(64 * 1024 / 7);
    let mut written = head.len() as u64;
    while written < unpacked {
        zip.write_all(chunk.as_bytes())?;
        written += chunk.len() as u64;
    }
    zip.write_all(b"</w:tr></w:tbl></w:body></w:document>")?;
    zip.finish().map_err(std::io::Error::other)?;
    Ok(())
}
