//! Key cards: what a judge needs to open their ballot, as a plain text file and as one
//! printable, self-contained HTML page (no scripts, no external fonts or images, so it prints
//! the same offline). Both languages are on every card: a judge reads whichever they prefer.

use jury_store::BallotKey;

/// Everything printed on one card.
#[derive(Debug, Clone)]
pub struct KeyCard {
    pub judge_id: String,
    pub judge_name: String,
    pub contest_id: String,
    pub contest_title_zh: String,
    pub contest_title_en: String,
    /// The ballot file name, as handed to the judge.
    pub ballot_file: String,
    pub key: BallotKey,
    pub works: usize,
    pub assignment_version: u64,
    /// Where the judge's TUI exports snapshots, if the organizer named a sync folder.
    pub sync_dir: Option<String>,
}

/// The label before the key on the text card; tests and scripts find the key by it.
pub const KEY_LABEL: &str = "Key / 密钥:";

impl KeyCard {
    /// The plain-text card (UTF-8, one fact per line).
    pub fn text(&self) -> String {
        let mut out = String::new();
        out.push_str("jury — 评审选票密钥卡 / ballot key card\n");
        out.push_str("========================================\n");
        out.push_str(&format!(
            "比赛 / Contest:  {}\n                 {}\n",
            self.contest_title_zh, self.contest_title_en
        ));
        out.push_str(&format!(
            "评委 / Judge:    {} ({})\n",
            self.judge_name, self.judge_id
        ));
        out.push_str(&format!("选票 / Ballot:   {}\n", self.ballot_file));
        out.push_str(&format!(
            "作品 / Works:    {}   (分配版本 / assignment version {})\n",
            self.works, self.assignment_version
        ));
        out.push_str(&format!("{KEY_LABEL}     {}\n\n", self.key.grouped()));
        out.push_str("打开选票 / How to open it:\n");
        out.push_str(&format!("  jury judge {}\n", self.ballot_file));
        out.push_str("  然后输入上面的密钥（大小写、空格和连字符均可忽略）。\n");
        out.push_str("  then type the key above (case, spaces and dashes do not matter).\n");
        if let Some(dir) = &self.sync_dir {
            out.push_str(&format!("  评分会同步到 / scores are synced to: {dir}\n"));
        }
        out.push_str("\n请妥善保管本卡，不要与选票文件放在一起发送。\n");
        out.push_str("Keep this card safe and never send it together with the ballot file.\n");
        out
    }

    /// The printable HTML page; every value is escaped.
    pub fn html(&self) -> String {
        let e = super::html::esc;
        let sync = self
            .sync_dir
            .as_ref()
            .map(|d| {
                format!(
                    "<p>评分会同步到 / scores are synced to: <code>{}</code></p>\n",
                    e(d)
                )
            })
            .unwrap_or_default();
        format!(
            r#"<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>{title_zh} — {judge_name}</title>
<style>
  body {{ font-family: sans-serif; margin: 2cm; color: #000; }}
  .card {{ border: 2px solid #000; padding: 1.2em 1.6em; max-width: 17cm; }}
  h1 {{ font-size: 1.3em; margin: 0 0 .2em; }}
  h2 {{ font-size: 1em; font-weight: normal; margin: 0 0 1em; }}
  table {{ border-collapse: collapse; margin-bottom: 1em; }}
  th {{ text-align: left; padding: .2em 1em .2em 0; font-weight: normal; color: #333; }}
  td {{ padding: .2em 0; }}
  .key {{ font-family: monospace; font-size: 1.8em; letter-spacing: .08em; border: 1px dashed #000; padding: .3em .5em; display: inline-block; }}
  code {{ font-family: monospace; }}
  .small {{ font-size: .85em; color: #333; }}
  @media print {{ body {{ margin: 0; }} }}
</style>
</head>
<body>
<div class="card">
<h1>{title_zh}</h1>
<h2>{title_en}</h2>
<table>
<tr><th>评委 / Judge</th><td>{judge_name} ({judge_id})</td></tr>
<tr><th>选票文件 / Ballot file</th><td><code>{ballot}</code></td></tr>
<tr><th>作品 / Works</th><td>{works} (分配版本 / assignment version {version})</td></tr>
</table>
<p>密钥 / Key</p>
<p class="key">{key}</p>
<p>打开选票 / How to open it:</p>
<p><code>jury judge {ballot}</code></p>
<p>然后输入上面的密钥（大小写、空格和连字符均可忽略）。<br>
Then type the key above (case, spaces and dashes do not matter).</p>
{sync}<p class="small">请妥善保管本卡，不要与选票文件放在一起发送。<br>
Keep this card safe and never send it together with the ballot file.<br>
{contest_id}</p>
</div>
</body>
</html>
"#,
            title_zh = e(&self.contest_title_zh),
            title_en = e(&self.contest_title_en),
            judge_name = e(&self.judge_name),
            judge_id = e(&self.judge_id),
            ballot = e(&self.ballot_file),
            works = self.works,
            version = self.assignment_version,
            key = e(&self.key.grouped()),
            sync = sync,
            contest_id = e(&self.contest_id),
        )
    }
}

/// Finds the key on a text card (the line starting with `KEY_LABEL`).
pub fn key_from_text(card: &str) -> Option<BallotKey> {
    card.lines()
        .find_map(|l| l.trim().strip_prefix(KEY_LABEL))
        .and_then(BallotKey::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn card() -> KeyCard {
        KeyCard {
            judge_id: "J<1>".into(),
            judge_name: "张三 & \"Li\"".into(),
            contest_id: "cq".into(),
            contest_title_zh: "弘扬科学家精神".into(),
            contest_title_en: "<script>alert(1)</script>".into(),
            ballot_file: "cq-J1.ballot".into(),
            key: BallotKey::generate(),
            works: 12,
            assignment_version: 3,
            sync_dir: Some("/mnt/usb".into()),
        }
    }

    #[test]
    fn the_text_card_carries_the_key_and_how_to_open() {
        let c = card();
        let text = c.text();
        assert_eq!(key_from_text(&text), Some(c.key.clone()));
        assert!(text.contains("jury judge cq-J1.ballot"));
        assert!(text.contains("/mnt/usb"));
        assert!(text.contains(&c.key.grouped()));
    }

    #[test]
    fn the_html_card_escapes_everything() {
        let c = card();
        let html = c.html();
        assert!(!html.contains("<script>"));
        assert!(html.contains("&lt;script&gt;"));
        assert!(html.contains("张三 &amp; &quot;Li&quot;"));
        assert!(html.contains("J&lt;1&gt;"));
        assert!(html.contains(&c.key.grouped()));
        assert!(
            !html.contains("http"),
            "self-contained: no external resources"
        );
    }
}
