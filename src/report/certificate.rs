//! 获奖证书 as print-ready HTML: A4 landscape, one certificate per page (`@page` CSS and a
//! page break after each), self-contained like the results report (no external fonts or
//! images: the browser's CJK font prints it). Plus a mail-merge CSV of the same data for
//! offices that print from their own Word template.
//!
//! Layout of a certificate: the number top right, the heading (获奖证书) large and centred,
//! the body sentence from `[certificate] body_zh` ("{unit}{creators}创作的作品《{title}》在
//! {contest}中荣获"), the award very large and centred, a line with the work's details, and
//! bottom right the issuers (one per line, each with a seal space) and the date.

use std::fmt::Write as _;

use super::html::esc;
use super::ReportError;
use crate::i18n::Lang;
use crate::tr;
use jury_core::results::Certificate;

const STYLE: &str = r#"
@page { size: A4 landscape; margin: 0; }
* { box-sizing: border-box; }
html, body { margin: 0; padding: 0; }
body { font-family: "Noto Serif CJK SC", "Source Han Serif SC", "Songti SC", "SimSun", "Noto Sans CJK SC", serif; color: #222; }
.cert { width: 297mm; height: 210mm; padding: 10mm; page-break-after: always; break-after: page; overflow: hidden; }
.cert:last-child { page-break-after: auto; break-after: auto; }
.frame { position: relative; width: 100%; height: 100%; border: 2.5mm double #b08d2e; padding: 14mm 26mm 12mm; display: flex; flex-direction: column; }
.no { position: absolute; top: 7mm; right: 10mm; font-size: 11pt; color: #555; letter-spacing: 0.05em; }
h1 { margin: 4mm 0 8mm; text-align: center; font-size: 40pt; letter-spacing: 0.5em; color: #a31515; font-weight: bold; }
.body { font-size: 19pt; line-height: 1.9; text-indent: 2em; margin: 0; }
.award { text-align: center; font-size: 36pt; font-weight: bold; color: #a31515; letter-spacing: 0.3em; margin: 6mm 0 4mm; }
.details { font-size: 11.5pt; color: #444; text-align: center; margin: 0; }
.foot { margin-top: auto; display: flex; justify-content: flex-end; }
.issuers { text-align: center; font-size: 15pt; line-height: 1.7; }
.issuer { padding: 0 0.5em; }
.date { margin-top: 3mm; font-size: 15pt; }
@media screen { body { background: #888; } .cert { margin: 8mm auto; background: #fff; box-shadow: 0 0 6px #333; } }
"#;

fn page(h: &mut String, c: &Certificate, lang: Lang) {
    let details = tr!(
        lang,
        "report.cert.details",
        work = esc(&c.work),
        district = esc(&c.district),
        creators = esc(&c.creators)
    );
    let _ = writeln!(
        h,
        "<section class=\"cert\" data-work=\"{}\" data-number=\"{}\">\n<div class=\"frame\">\n<div class=\"no\">{}{}{}</div>\n<h1>{}</h1>\n<p class=\"body\">{}</p>\n<p class=\"award\">{}</p>\n<p class=\"details\">{}</p>\n<div class=\"foot\"><div class=\"issuers\">",
        esc(&c.work),
        esc(&c.number),
        tr!(lang, "report.cert.number"),
        tr!(lang, "report.colon"),
        esc(&c.number),
        esc(&c.heading),
        esc(&c.body),
        esc(&c.award_label),
        details
    );
    for i in &c.issuers {
        let _ = writeln!(h, "<div class=\"issuer\">{}</div>", esc(i));
    }
    let _ = writeln!(
        h,
        "<div class=\"date\">{}</div>\n</div></div>\n</div>\n</section>",
        esc(&c.date)
    );
}

/// A document with `certs`, one per A4 landscape page.
pub fn render(certs: &[Certificate], title: &str, lang: Lang) -> String {
    let mut h = String::new();
    let _ = write!(
        h,
        "<!DOCTYPE html>\n<html lang=\"{}\">\n<head>\n<meta charset=\"utf-8\">\n<title>{} - {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n",
        crate::i18n::code(lang),
        esc(title),
        tr!(lang, "report.cert.title")
    );
    for c in certs {
        page(&mut h, c, lang);
    }
    h.push_str("</body>\n</html>\n");
    h
}

/// The file name of one certificate: its number, with anything but letters, digits, `-`
/// and `_` replaced (a number pattern may hold `/`).
pub fn file_name(c: &Certificate) -> String {
    let safe = super::safe_file_stem(&c.number);
    format!("{safe}.html")
}

/// The mail-merge CSV (UTF-8 with BOM, formula-like text defused, like the results CSV).
pub fn csv(certs: &[Certificate], lang: Lang) -> Result<String, ReportError> {
    use super::csv::defuse;
    let mut header = vec![tr!(lang, "report.cert.number").to_string()];
    header.extend(crate::i18n::texts(lang, super::words::AWARDED_WORK_COLUMNS));
    header.extend(crate::i18n::texts(
        lang,
        &[
            "report.cert.body",
            "report.cert.issuers",
            "report.cert.date",
        ],
    ));
    let rows = certs.iter().map(|c| {
        [
            defuse(&c.number),
            defuse(&c.award_label),
            defuse(&c.work),
            defuse(&c.title),
            defuse(&c.unit),
            defuse(&c.district),
            defuse(&c.creators),
            defuse(&c.body),
            defuse(&c.issuers.join(tr!(lang, "report.list_sep"))),
            defuse(&c.date),
        ]
    });
    super::csv::table(header, rows)
}
