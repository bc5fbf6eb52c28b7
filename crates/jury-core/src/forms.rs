//! Turning a read [`Table`] into typed work and judge rows, with a precise reason for every
//! row that cannot be used.
//!
//! Decisions:
//! - The header is the first row in which at least two cells name known columns (zh or en
//!   aliases, compared without case, spaces, `*` marks or trailing colons, with full-width
//!   brackets folded; `推荐单位（区县）` matches by its base `推荐单位` or by `区县`), and of those
//!   rows the first that names a key column (序号 or 作品名称 for works, 姓名 for judges).
//!   Rows above it are title rows; a title row `推荐单位（盖章）：渝中区科学技术局` (or `区县：…`)
//!   gives the default district and `创作单位：…` the default unit for rows that leave them
//!   empty. One or two rows right under the header that only add sub-labels (the lower half
//!   of a two-level header, e.g. 联系方式 over 联系人 | 电话) belong to the header.
//! - Work numbers (序号) are required, never generated: they are what judges and results
//!   refer to. `1.0` (a number cell that went through a float) reads as `1`; full-width
//!   digits as ASCII. Titles and units are required (a unit is what keeps judges impartial);
//!   so are a judge's name and unit.
//! - Rows that hold nothing but a number (an unused line of a pre-numbered form), and note
//!   rows without a work number (合计, 说明：…, 推荐意见, one text merged across the row) are
//!   skipped and listed in [`ImportReport::skipped`]; anything else that fails is a bad row.
//!   Forms pasted one under another work: a later `推荐单位：…` row sets the district for
//!   the rows below it, and a repeated header row is skipped.
//! - Chinese names padded to line up (`王　芳`) lose the padding; other names keep spaces.
//! - Duplicate work numbers make every row that uses them bad, so nobody guesses which one
//!   was meant. Judges with the same name and unit likewise.
//! - An empty 推荐单位/区县 cell takes the district from the nearest filled cell above it (a
//!   district merged down the column, exported to CSV, leaves only the first cell filled),
//!   else the form's default district. A 推荐单位 such as `渝中区科学技术局` is shortened to
//!   the district `渝中区` when it ends in a department name.
//! - Video file cells are kept as given (they are resolved against folders later), with
//!   surrounding quotes removed and `\` turned into `/`.

use std::collections::{BTreeMap, HashMap};

use crate::model::contest::{DistrictQuota, Quotas};
pub use crate::table::{ImportError, ImportErrorKind, Table};

/// A column jury understands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    /// A contest-wide work number (作品编号): honoured as the work's number.
    Id,
    /// The form's own row counter (序号): kept as the work's origin, not its number.
    RowNo,
    Title,
    Unit,
    District,
    Address,
    Contact,
    ContactPerson,
    MediaFile,
    Summary,
    /// 主创人员 / 作者.
    Creators,
    /// 电子邮箱 (annex 3, the unit form).
    Email,
    /// 统一社会信用代码 of the unit (annex 3).
    CreditCode,
    Name,
    ConflictUnits,
    ConflictWorks,
}

impl Field {
    /// The column's usual header as Chinese forms spell it, and its English name: data for
    /// the one-line file errors that quote headers (the app words its own labels).
    pub fn headers(self) -> (&'static str, &'static str) {
        let (zh, en) = match self {
            Field::Id => ("作品编号", "work number"),
            Field::RowNo => ("序号", "No."),
            Field::Title => ("作品名称", "title"),
            Field::Unit => ("单位", "unit"),
            Field::District => ("区县", "district"),
            Field::Address => ("联系地址", "address"),
            Field::Contact => ("联系方式", "contact"),
            Field::ContactPerson => ("联系人", "contact person"),
            Field::MediaFile => ("视频文件", "video file"),
            Field::Summary => ("内容简介", "summary"),
            Field::Creators => ("主创人员", "creators"),
            Field::Email => ("电子邮箱", "e-mail"),
            Field::CreditCode => ("统一社会信用代码", "credit code"),
            Field::Name => ("姓名", "name"),
            Field::ConflictUnits => ("回避单位", "conflict units"),
            Field::ConflictWorks => ("回避作品", "conflict works"),
        };
        (zh, en)
    }

    /// Longest text accepted in this column, in characters.
    pub fn max_chars(self) -> usize {
        match self {
            Field::Id | Field::RowNo => 32,
            Field::Title | Field::Unit => 200,
            Field::District | Field::ContactPerson | Field::Name => 100,
            Field::Contact | Field::Email => 200,
            Field::CreditCode => 32,
            Field::Creators => 500,
            Field::Address => 500,
            Field::MediaFile => 1024,
            Field::Summary => 10_000,
            Field::ConflictUnits | Field::ConflictWorks => 2_000,
        }
    }
}

/// Which form is being read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Works,
    Judges,
}

impl FormKind {
    fn aliases(self) -> &'static [(Field, &'static [&'static str])] {
        match self {
            FormKind::Works => WORK_ALIASES,
            FormKind::Judges => JUDGE_ALIASES,
        }
    }

    /// Columns a header must have (the unit may instead come from a title row).
    fn required(self) -> &'static [Field] {
        match self {
            FormKind::Works => &[Field::Title, Field::Unit],
            FormKind::Judges => &[Field::Name, Field::Unit],
        }
    }

    /// Columns of which a header needs at least one to be taken for the header.
    fn key_fields(self) -> &'static [Field] {
        match self {
            FormKind::Works => &[Field::Id, Field::RowNo, Field::Title],
            FormKind::Judges => &[Field::Name],
        }
    }

    /// A column's usual headers (zh, en) in this form (创作单位 for a work's unit).
    pub fn headers(self, field: Field) -> (&'static str, &'static str) {
        match (self, field) {
            (FormKind::Works, Field::Unit) => ("创作单位", "unit"),
            (FormKind::Works, Field::District) => ("推荐单位", "district"),
            _ => field.headers(),
        }
    }

    fn both_labels(self, field: Field) -> String {
        let (zh, en) = self.headers(field);
        format!("{zh} ({en})")
    }

    /// The columns named when no header is found.
    fn usual(self) -> &'static [Field] {
        match self {
            FormKind::Works => &[
                Field::RowNo,
                Field::Title,
                Field::Unit,
                Field::District,
                Field::MediaFile,
            ],
            FormKind::Judges => &[
                Field::Name,
                Field::Unit,
                Field::District,
                Field::Contact,
                Field::ConflictUnits,
            ],
        }
    }

    fn other(self) -> FormKind {
        match self {
            FormKind::Works => FormKind::Judges,
            FormKind::Judges => FormKind::Works,
        }
    }

    fn noun(self) -> &'static str {
        match self {
            FormKind::Works => "works",
            FormKind::Judges => "judges",
        }
    }
}

/// A contact column, on the works and the judges forms alike.
const CONTACT_ALIASES: &[&str] = &[
    "联系方式",
    "联系电话",
    "电话",
    "手机",
    "手机号",
    "手机号码",
    "电话号码",
    "contact",
    "phone",
    "tel",
    "telephone",
    "mobile",
];

// THE table of accepted headers (listed by `jury import --help`, see [`aliases`]).
// Aliases are written folded: lower case, no spaces, ASCII brackets (see `fold`).
const WORK_ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Id,
        &[
            "作品编号",
            "参赛编号",
            "workno",
            "workid",
            "worknumber",
            "id",
        ],
    ),
    (
        Field::RowNo,
        &["序号", "编号", "作品序号", "行号", "no", "number", "#"],
    ),
    (
        Field::Title,
        &[
            "作品名称",
            "作品名",
            "作品",
            "名称",
            "作品标题",
            "标题",
            "视频名称",
            "短视频名称",
            "作品题目",
            "题目",
            "title",
            "worktitle",
        ],
    ),
    (
        Field::Unit,
        &[
            "创作单位",
            "报送单位",
            "单位",
            "单位名称",
            "申报单位",
            "参赛单位",
            "创作单位名称",
            "报送单位名称",
            "作者单位",
            "unit",
            "organization",
            "organisation",
            "affiliation",
        ],
    ),
    (
        Field::District,
        &[
            "推荐单位",
            "区县",
            "推荐区县",
            "所属区县",
            "所在区县",
            "区县名称",
            "district",
            "region",
        ],
    ),
    (
        Field::Address,
        &["联系地址", "地址", "通讯地址", "通信地址", "address"],
    ),
    (Field::Contact, CONTACT_ALIASES),
    (
        Field::ContactPerson,
        &["联系人", "联系人姓名", "contactperson", "contactname"],
    ),
    (
        Field::MediaFile,
        &[
            "视频文件",
            "视频文件名",
            "视频文件名称",
            "文件",
            "文件名",
            "文件名称",
            "视频",
            "视频路径",
            "文件路径",
            "file",
            "filename",
            "video",
            "videofile",
            "media",
            "mediafile",
            "path",
        ],
    ),
    (
        Field::Summary,
        &[
            "内容简介",
            "内容简介及主要创新点",
            "简介",
            "作品简介",
            "内容介绍",
            "summary",
            "description",
            "abstract",
        ],
    ),
    (
        Field::Creators,
        &[
            "主创人员",
            "主创",
            "主创人员姓名",
            "作者",
            "作者姓名",
            "创作者",
            "创作人员",
            "creators",
            "creator",
            "authors",
            "author",
        ],
    ),
    (
        Field::Email,
        &[
            "电子邮箱",
            "邮箱",
            "电子邮件",
            "邮箱地址",
            "email",
            "e-mail",
            "mail",
        ],
    ),
    (
        Field::CreditCode,
        &[
            "统一社会信用代码",
            "社会信用代码",
            "信用代码",
            "creditcode",
            "uscc",
        ],
    ),
];

/// The accepted header names of a form, field by field (folded spelling), for help texts.
pub fn aliases(kind: FormKind) -> &'static [(Field, &'static [&'static str])] {
    kind.aliases()
}

const JUDGE_ALIASES: &[(Field, &[&str])] = &[
    (
        Field::Name,
        &[
            "姓名",
            "专家姓名",
            "评委姓名",
            "评委",
            "专家",
            "name",
            "judge",
            "expert",
        ],
    ),
    (
        Field::Unit,
        &[
            "单位",
            "工作单位",
            "所在单位",
            "单位名称",
            "unit",
            "organization",
            "organisation",
            "affiliation",
            "employer",
        ],
    ),
    (
        Field::District,
        &["区县", "所在区县", "所属区县", "district", "region"],
    ),
    (Field::Contact, CONTACT_ALIASES),
    (
        Field::ConflictUnits,
        &[
            "回避单位",
            "需回避单位",
            "利益冲突单位",
            "conflicts",
            "conflictunits",
            "conflictunit",
            "avoidunits",
        ],
    ),
    (
        Field::ConflictWorks,
        &[
            "回避作品",
            "回避作品编号",
            "需回避作品",
            "回避作品序号",
            "conflictworks",
            "conflictwork",
            "avoidworks",
        ],
    ),
];

/// One work read from a form.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorkRow {
    /// The contest-wide work number when the form has such a column (作品编号), normalised
    /// (`001`, `1.0` and `１` are `1`); empty otherwise, and the import numbers the work.
    pub id: String,
    /// The form's own row counter (序号), normalised; empty when the form has none.
    pub origin_no: String,
    pub title: String,
    pub unit: String,
    pub district: String,
    pub address: String,
    pub contact: String,
    pub contact_person: String,
    /// As given in the form (separators normalised to `/`); resolved against folders later.
    pub media_file: Option<String>,
    pub summary: String,
    /// 主创人员 / 作者, as written.
    pub creators: String,
    /// 电子邮箱 (annex 3).
    pub email: String,
    /// The unit's 统一社会信用代码 (annex 3).
    pub credit_code: String,
    /// 1-based row number as Excel shows it.
    pub row: usize,
}

/// One judge read from a list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JudgeRow {
    pub name: String,
    pub unit: String,
    pub district: String,
    pub contact: String,
    pub conflict_units: Vec<String>,
    pub conflict_works: Vec<String>,
    pub row: usize,
}

/// Why one row cannot be used. `column` is the header text as the form spells it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Missing {
        column: String,
    },
    TooLong {
        column: String,
        chars: usize,
        max: usize,
    },
    /// Replacement characters or mojibake: the text went through a wrong encoding before.
    Garbled {
        column: String,
    },
    ExcelError {
        column: String,
        value: String,
    },
    BadId {
        column: String,
        value: String,
    },
    BadPath {
        column: String,
    },
    /// The same work number is used on the other rows listed.
    DuplicateId {
        id: String,
        rows: Vec<usize>,
    },
    /// The same judge (name and unit) is on the other rows listed.
    DuplicateJudge {
        name: String,
        rows: Vec<usize>,
    },
}

/// A row that cannot be imported, with every reason found in it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadRow {
    /// 1-based row number as Excel shows it.
    pub row: usize,
    pub problems: Vec<Problem>,
}

/// A row left out on purpose: an unused numbered line or a note such as 合计 or 说明.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SkippedRow {
    pub row: usize,
    /// The row's text, cells joined with " | ".
    pub text: String,
}

/// The outcome of reading a form: the good rows, every bad row with its reasons, and what
/// was understood of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport<T> {
    pub rows: Vec<T>,
    /// Sorted by row.
    pub bad: Vec<BadRow>,
    pub skipped: Vec<SkippedRow>,
    /// Header texts (or "column F (no header)") of columns not read.
    pub ignored_columns: Vec<String>,
    /// The columns read, with the header text that named each.
    pub columns: Vec<(Field, String)>,
    pub encoding: String,
    pub sheet: Option<String>,
    /// 1-based row of the header (its first row if it has two).
    pub header_row: usize,
    pub default_district: Option<String>,
    pub default_unit: Option<String>,
    /// Rows whose cells held control characters (or bidi overrides), stripped at import:
    /// (row, the columns' headers). Video file names are not stripped (they are bad rows).
    pub stripped: Vec<(usize, Vec<String>)>,
    /// Read from a key–value form (see [`Table::key_value`]).
    pub key_value: bool,
}

// ---------------------------------------------------------------------------------------
// Header recognition

/// Folds a header or alias for comparison: full-width ASCII to ASCII, lower case, without
/// spaces, `*` marks, and trailing colons or dots.
fn fold(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let c = fold_char(c);
        if c.is_whitespace() || c == '*' {
            continue;
        }
        out.extend(c.to_lowercase());
    }
    while out.ends_with([':', '.', '：', '。']) {
        out.pop();
    }
    out
}

fn fold_char(c: char) -> char {
    match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' => ' ',
        '【' | '〔' => '[',
        '】' | '〕' => ']',
        _ => c,
    }
}

/// Full-width ASCII letters and digits to ASCII, for numbers and codes.
fn fold_width(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

fn lookup(kind: FormKind, folded: &str) -> Option<Field> {
    kind.aliases()
        .iter()
        .find(|(_, names)| names.contains(&folded))
        .map(|(f, _)| *f)
}

/// The field a header cell names, if any.
fn alias_field(kind: FormKind, header: &str) -> Option<Field> {
    let folded = fold(header);
    if folded.is_empty() {
        return None;
    }
    if let Some(f) = lookup(kind, &folded) {
        return Some(f);
    }
    // 推荐单位(区县), 联系方式(手机), 作品名称[必填]: try the base, then what is in brackets.
    let mut base = String::new();
    let mut inner = Vec::new();
    let mut depth = 0usize;
    for c in folded.chars() {
        match c {
            '(' | '[' => {
                depth += 1;
                if depth == 1 {
                    inner.push(String::new());
                }
            }
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => base.push(c),
            _ => {
                if let Some(last) = inner.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    if base != folded {
        if let Some(f) = lookup(kind, base.trim_end_matches([':', '：'])) {
            return Some(f);
        }
        return inner.iter().find_map(|s| lookup(kind, s));
    }
    None
}

fn cell(row: &[String], col: usize) -> &str {
    row.get(col).map(String::as_str).unwrap_or("")
}

/// Distinct fields named in a row.
fn row_fields(kind: FormKind, row: &[String]) -> Vec<Field> {
    let mut fields: Vec<Field> = row.iter().filter_map(|c| alias_field(kind, c)).collect();
    fields.sort();
    fields.dedup();
    fields
}

/// Index of the header row: the first with ≥ 2 known columns including a key column, else
/// the first with ≥ 2 known columns.
fn find_header(kind: FormKind, rows: &[Vec<String>]) -> Option<usize> {
    let mut fallback = None;
    for (i, row) in rows.iter().enumerate() {
        let fields = row_fields(kind, row);
        if fields.len() >= 2 {
            if fields.iter().any(|f| kind.key_fields().contains(f)) {
                return Some(i);
            }
            fallback.get_or_insert(i);
        }
    }
    fallback
}

/// Reads a vertical key–value form (annex 3, 单位报送表: `作品名称 | 《…》`, `联系人姓名 | 王芳 |
/// 电子邮箱 | a@b.cn`, a label merged down two rows for a long 内容简介) as a header row and
/// one data row, after `titles` (the lines above the table, which may say `创作单位：…`).
/// `None` when `rows` are no such form: they hold a list form's header, or fewer than two
/// known labels, or no 作品名称. A label repeated on consecutive rows (merged down) joins its
/// values with a line break; a 统一社会信用代码 written inside the unit's pledge text
/// (`统一社会信用代码为 9150…`) is picked up when no cell is labelled with it. Pure.
pub fn key_value_rows(titles: &[Vec<String>], rows: &[Vec<String>]) -> Option<Vec<Vec<String>>> {
    let kind = FormKind::Works;
    if has_form_header(rows) {
        return None;
    }
    let mut pairs: Vec<(Field, String, String)> = Vec::new();
    let mut last_label: Option<Field> = None;
    for row in rows {
        // A value merged across grid columns repeats; one copy is the value.
        let mut cells: Vec<&str> = Vec::with_capacity(row.len());
        for c in row {
            if cells.last() != Some(&c.as_str()) {
                cells.push(c);
            }
        }
        let mut i = 0;
        let mut row_label = None;
        while i < cells.len() {
            let Some(field) = alias_field(kind, cells[i]) else {
                i += 1;
                continue;
            };
            let value = cells
                .get(i + 1)
                .filter(|v| alias_field(kind, v).is_none())
                .copied()
                .unwrap_or("");
            match pairs.iter_mut().find(|(f, ..)| *f == field) {
                // The same label merged down: its values continue.
                Some((_, _, v)) if last_label == Some(field) && i == 0 => {
                    if !value.is_empty() && v != value {
                        if !v.is_empty() {
                            v.push('\n');
                        }
                        v.push_str(value);
                    }
                }
                Some(_) => {}
                None => pairs.push((field, cells[i].to_string(), value.to_string())),
            }
            if i == 0 {
                row_label = Some(field);
            }
            i += if value.is_empty() { 1 } else { 2 };
        }
        last_label = row_label;
    }
    if pairs.len() < 2 || !pairs.iter().any(|(f, ..)| *f == Field::Title) {
        return None;
    }
    if !pairs.iter().any(|(f, ..)| *f == Field::CreditCode) {
        if let Some(code) = titles
            .iter()
            .chain(rows)
            .flatten()
            .find_map(|c| credit_code_in(c))
        {
            pairs.push((
                Field::CreditCode,
                kind.headers(Field::CreditCode).0.into(),
                code,
            ));
        }
    }
    let mut out: Vec<Vec<String>> = titles.to_vec();
    out.push(pairs.iter().map(|(_, label, _)| label.clone()).collect());
    out.push(pairs.into_iter().map(|(.., value)| value).collect());
    Some(out)
}

/// A unified social credit code (18 digits and capital letters) written after
/// `统一社会信用代码` in a text, if any.
fn credit_code_in(text: &str) -> Option<String> {
    const MARK: &str = "统一社会信用代码";
    let (_, after) = text.split_once(MARK)?;
    let after = fold_width(after);
    let start = after
        .char_indices()
        .take(12)
        .find(|(_, c)| c.is_ascii_alphanumeric())?
        .0;
    let code: String = after[start..]
        .chars()
        .take_while(char::is_ascii_alphanumeric)
        .collect();
    (code.len() == 18).then(|| code.to_ascii_uppercase())
}

/// True when some row looks like the header of a works form or a judges list.
pub fn has_form_header(rows: &[Vec<String>]) -> bool {
    [FormKind::Works, FormKind::Judges].into_iter().any(|kind| {
        rows.iter().any(|row| {
            let fields = row_fields(kind, row);
            fields.len() >= 2 && fields.iter().any(|f| kind.key_fields().contains(f))
        })
    })
}

struct Columns {
    /// Field → the columns it is read from (more than one only for a header merged across
    /// columns, whose cells all carry the same text).
    fields: BTreeMap<Field, Vec<usize>>,
    /// Field → header text as the form spells it.
    names: BTreeMap<Field, String>,
    ignored: Vec<String>,
    /// Columns not read and whose header is empty: reported if data appears in them.
    unnamed: Vec<usize>,
    /// Rows the header takes up (1, or 2–3 with sub-labels).
    height: usize,
}

/// "A" … "Z", "AA", … for column 0, 1, … (also the judges' letters of the comments).
pub(crate) fn column_letter(mut col: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

fn resolve_columns(kind: FormKind, rows: &[Vec<String>], header: usize) -> Columns {
    let top = &rows[header];
    let mut block = vec![top];
    for next in rows.iter().skip(header + 1).take(2) {
        let above = block.last().copied().unwrap_or(top);
        let adds_label = next.iter().enumerate().any(|(c, text)| {
            !text.is_empty() && text != cell(above, c) && alias_field(kind, text).is_some()
        });
        let keys_clear = top.iter().enumerate().all(|(c, text)| {
            let key = alias_field(kind, text).is_some_and(|f| kind.key_fields().contains(&f));
            !key || cell(next, c).is_empty() || cell(next, c) == cell(above, c)
        });
        if adds_label && keys_clear {
            block.push(next);
        } else {
            break;
        }
    }
    let width = block.iter().map(|r| r.len()).max().unwrap_or(0);
    let mut cols = Columns {
        fields: BTreeMap::new(),
        names: BTreeMap::new(),
        ignored: Vec::new(),
        unnamed: Vec::new(),
        height: block.len(),
    };
    let mut first_text: HashMap<Field, String> = HashMap::new();
    for c in 0..width {
        // The lowest label in the block is the most specific (电话 under 联系方式).
        let texts: Vec<&str> = block
            .iter()
            .rev()
            .map(|r| cell(r, c))
            .filter(|t| !t.is_empty())
            .collect();
        let found = texts
            .iter()
            .find_map(|t| alias_field(kind, t).map(|f| (f, *t)));
        match found {
            Some((field, text)) => match first_text.get(&field) {
                None => {
                    first_text.insert(field, text.to_string());
                    cols.fields.insert(field, vec![c]);
                    cols.names.insert(field, text.to_string());
                }
                Some(t) if t == text => cols.fields.entry(field).or_default().push(c),
                Some(t) => cols.ignored.push(format!(
                    "{text} (column {}, {} is read from “{t}”)",
                    column_letter(c),
                    field.headers().1
                )),
            },
            None if texts.is_empty() => cols.unnamed.push(c),
            None => {
                let mut distinct: Vec<&str> = Vec::new();
                for t in texts.iter().rev() {
                    if !distinct.contains(t) {
                        distinct.push(t);
                    }
                }
                let name = distinct.join("/");
                if !cols.ignored.contains(&name) {
                    cols.ignored.push(name);
                }
            }
        }
    }
    cols
}

/// `key：value` in a title row, e.g. `推荐单位（盖章）：渝中区科学技术局`.
fn title_default(kind: FormKind, text: &str, field: Field) -> Option<String> {
    let (key, value) = text.split_once(['：', ':'])?;
    if alias_field(kind, key) != Some(field) {
        return None;
    }
    // The value ends where a wide gap starts the next item (填表日期：…).
    let mut value = value.trim_start_matches(|c: char| c.is_whitespace());
    if let Some(at) = value
        .find("  ")
        .into_iter()
        .chain(value.find('\u{3000}'))
        .min()
    {
        value = &value[..at];
    }
    let value = value.trim();
    let placeholder = value.is_empty()
        || value.starts_with(['(', '（', '[', '【'])
        || value.contains("填写")
        || value.chars().all(|c| c == '_' || c == '＿');
    (!placeholder).then(|| value.to_string())
}

fn defaults_from_titles(kind: FormKind, titles: &[Vec<String>], field: Field) -> Option<String> {
    titles
        .iter()
        .flat_map(|r| r.iter())
        .find_map(|t| title_default(kind, t, field))
}

// ---------------------------------------------------------------------------------------
// Cell checks

/// Fields whose line breaks and runs of spaces collapse to one space. Not the summary
/// (paragraphs) nor file names (spaces in them are real).
fn is_line_field(field: Field) -> bool {
    !matches!(field, Field::Summary | Field::MediaFile)
}

/// One-line text: line breaks and runs of spaces become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn is_cjk(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Chinese names are often padded to line up (`王　芳`, `张 明`): spaces between Chinese
/// characters go; other names keep theirs.
fn person_name(text: &str) -> String {
    if text.chars().any(is_cjk) {
        text.chars().filter(|c| !c.is_whitespace()).collect()
    } else {
        text.to_string()
    }
}

/// Replacement characters, the GBK-of-U+FFFD pattern 锟斤拷, or UTF-8 Chinese read as
/// Windows-1252 (`ä½œå“`).
fn is_garbled(text: &str) -> bool {
    if text.contains('\u{FFFD}') || text.contains("锟斤拷") || text.contains("烫烫烫") {
        return true;
    }
    if text.is_ascii() || text.chars().any(|c| c as u32 > 0x2122) {
        return false;
    }
    let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
    !unmappable && std::str::from_utf8(&bytes).is_ok_and(|s| s.chars().any(is_cjk))
}

const EXCEL_ERRORS: &[&str] = &[
    "#N/A", "#REF!", "#VALUE!", "#DIV/0!", "#NAME?", "#NUM!", "#NULL!", "#DATA!", "#SPILL!",
    "#CALC!",
];

/// Work numbers: full-width to ASCII, `1.0` to `1`, `001` to `1` (so `1`, `01`, `001`,
/// `1.0` and `１` are one number).
pub fn normalize_id(text: &str) -> String {
    let mut folded = fold_width(text).trim().to_string();
    if let Some((int, frac)) = folded.split_once('.') {
        if !int.is_empty()
            && int.chars().all(|c| c.is_ascii_digit())
            && !frac.is_empty()
            && frac.chars().all(|c| c == '0')
        {
            folded = int.to_string();
        }
    }
    if !folded.is_empty() && folded.chars().all(|c| c.is_ascii_digit()) {
        let trimmed = folded.trim_start_matches('0');
        return if trimmed.is_empty() { "0" } else { trimmed }.to_string();
    }
    folded
}

fn id_is_usable(id: &str) -> bool {
    !id.chars()
        .any(|c| c.is_whitespace() || c.is_control() || matches!(c, '/' | '\\'))
}

/// Numbers in a row's work-number column look like this; notes (合计) do not.
fn id_like(text: &str) -> bool {
    let id = normalize_id(text);
    !id.is_empty()
        && id.chars().count() <= 32
        && id.chars().any(|c| c.is_ascii_digit())
        && id_is_usable(&id)
}

fn normalize_path(text: &str) -> String {
    text.trim_matches(|c: char| {
        matches!(c, '"' | '\'' | '“' | '”' | '‘' | '’') || c.is_whitespace()
    })
    .replace('\\', "/")
}

/// A 推荐单位 like `渝中区科学技术局` names its district `渝中区`.
fn district_of(text: &str) -> String {
    const DEPARTMENT_ENDS: &[&str] = &[
        "局", "委", "部", "会", "协", "办", "中心", "院", "处", "室", "所",
    ];
    let Some((at, ch)) = text.char_indices().rfind(|(_, c)| matches!(c, '区' | '县')) else {
        return text.to_string();
    };
    let cut = at + ch.len_utf8();
    let (head, tail) = text.split_at(cut);
    if !tail.is_empty()
        && head.chars().count() >= 2
        && DEPARTMENT_ENDS.iter().any(|e| tail.ends_with(e))
    {
        head.to_string()
    } else {
        text.to_string()
    }
}

/// Splits a list cell on 、，,；; and line breaks (and, for work numbers, spaces); 无 / none /
/// - mean an empty list. `3-5` between plain numbers is a range of work numbers.
fn split_list(text: &str, works: bool) -> Vec<String> {
    let parts = text.split(|c: char| {
        matches!(c, '、' | '，' | ',' | '；' | ';' | '\n' | '\r' | '|' | '｜')
            || (works && c.is_whitespace())
    });
    let mut out: Vec<String> = Vec::new();
    for part in parts {
        let part = one_line(part);
        if part.is_empty()
            || matches!(
                fold(&part).as_str(),
                "无" | "none" | "-" | "—" | "/" | "n/a" | "na" | "没有" | "暂无"
            )
        {
            continue;
        }
        if works {
            let id = normalize_id(&part);
            let range = id
                .split_once(['-', '~', '～', '—', '–'])
                .and_then(|(a, b)| Some((a.parse::<u32>().ok()?, b.parse::<u32>().ok()?)));
            match range {
                Some((a, b)) if a <= b && b - a < 1000 => {
                    out.extend((a..=b).map(|n| n.to_string()))
                }
                _ => out.push(id),
            }
        } else {
            out.push(part);
        }
    }
    let mut seen = Vec::new();
    out.retain(|x| {
        let keep = !seen.contains(x);
        seen.push(x.clone());
        keep
    });
    out
}

// ---------------------------------------------------------------------------------------
// Rows

/// A body row: its number, its duplicate key with how to show it, and its outcome.
type Entry<T> = (usize, Option<(String, String)>, Outcome<T>);

/// What a body row turned into before duplicates are looked at.
enum Outcome<T> {
    Good(T),
    Bad(Vec<Problem>),
}

struct Parsed<T> {
    /// (row number, duplicate key and how to show it, outcome)
    entries: Vec<Entry<T>>,
    skipped: Vec<SkippedRow>,
    ignored: Vec<String>,
    columns: Vec<(Field, String)>,
    header_row: usize,
    default_district: Option<String>,
    default_unit: Option<String>,
    stripped: Vec<(usize, Vec<String>)>,
}

/// Field values of one body row, with the problems found in them.
struct RowReader<'a> {
    kind: FormKind,
    /// 1-based row number as Excel shows it.
    number: usize,
    row: &'a [String],
    cols: &'a Columns,
    problems: Vec<Problem>,
    /// Headers of the cells that lost control characters.
    stripped: Vec<String>,
}

impl<'a> RowReader<'a> {
    fn name(&self, field: Field) -> String {
        self.cols
            .names
            .get(&field)
            .cloned()
            .unwrap_or_else(|| self.kind.headers(field).0.to_string())
    }

    /// The raw text of a field: the first filled cell among its columns.
    fn raw(&self, field: Field) -> &'a str {
        let (row, cols): (&'a [String], &'a Columns) = (self.row, self.cols);
        cols.fields
            .get(&field)
            .into_iter()
            .flatten()
            .map(|&c| cell(row, c))
            .find(|t| !t.is_empty())
            .unwrap_or("")
    }

    /// The checked text of a field ("" when absent).
    fn get(&mut self, field: Field) -> String {
        let raw = self.raw(field);
        if raw.is_empty() {
            return String::new();
        }
        // Control characters (ESC sequences, BEL, bidi overrides) have no place in a form's
        // text and would act on a terminal: stripped, and the row named. Line breaks and
        // tabs are layout. A video file name with them is a bad row instead (see BadPath).
        // Mojibake of UTF-8 read as Latin-1 holds C1 controls: judged before stripping.
        let garbled = is_garbled(raw);
        let unsafe_char =
            |c: char| crate::text::is_unsafe_char(c) && !matches!(c, '\n' | '\t' | '\r');
        let cleaned: String;
        let raw = if field != Field::MediaFile && raw.chars().any(unsafe_char) {
            cleaned = raw.chars().filter(|c| !unsafe_char(*c)).collect();
            let name = self.name(field);
            if !self.stripped.contains(&name) {
                self.stripped.push(name);
            }
            cleaned.as_str()
        } else {
            raw
        };
        if raw.is_empty() {
            return String::new();
        }
        if EXCEL_ERRORS.contains(&raw) {
            self.problems.push(Problem::ExcelError {
                column: self.name(field),
                value: raw.to_string(),
            });
            return String::new();
        }
        if garbled {
            self.problems.push(Problem::Garbled {
                column: self.name(field),
            });
        }
        let chars = raw.chars().count();
        if chars > field.max_chars() {
            self.problems.push(Problem::TooLong {
                column: self.name(field),
                chars,
                max: field.max_chars(),
            });
        }
        if is_line_field(field) {
            one_line(raw)
        } else {
            raw.to_string()
        }
    }

    fn require(&mut self, field: Field, value: &str) {
        if value.is_empty()
            && !self.problems.iter().any(
                |p| matches!(p, Problem::ExcelError { column, .. } if *column == self.name(field)),
            )
        {
            self.problems.push(Problem::Missing {
                column: self.name(field),
            });
        }
    }
}

const NOTE_STARTS: &[&str] = &[
    "合计",
    "总计",
    "小计",
    "共计",
    "说明",
    "备注",
    "注:",
    "注：",
    "填表",
    "制表",
    "推荐意见",
    "审核意见",
    "意见",
    "盖章",
    "签字",
    "签章",
    "负责人",
    "联系人:",
    "联系人：",
    "日期",
    "年月日",
];

fn is_note(first: &str) -> bool {
    let folded = fold(first);
    NOTE_STARTS.iter().any(|n| folded.starts_with(&fold(n)))
        || folded.contains("推荐意见")
        || folded.contains("年月日")
}

fn parse<T>(
    table: &Table,
    kind: FormKind,
    mut build: impl FnMut(&mut RowReader, &mut BuildState) -> (Option<(String, String)>, T),
) -> Result<Parsed<T>, ImportError> {
    let file = table.file();
    let Some(header) = find_header(kind, &table.rows) else {
        let hint = if find_header(kind.other(), &table.rows).is_some() {
            format!(
                " — it looks like a {} list; use `jury import {}`",
                kind.other().noun(),
                kind.other().noun()
            )
        } else {
            String::new()
        };
        // The first few cells, each shortened: enough to recognise the row, one line long.
        let first = table
            .rows
            .first()
            .map(|r| {
                let filled: Vec<&String> = r.iter().filter(|c| !c.is_empty()).collect();
                let mut shown: Vec<String> = filled
                    .iter()
                    .take(8)
                    .map(|c| crate::text::one_line(c, 24))
                    .collect();
                if filled.len() > 8 {
                    shown.push(format!("… ({} cells)", filled.len()));
                }
                shown.join(" | ")
            })
            .unwrap_or_default();
        let expected: Vec<String> = kind.usual().iter().map(|f| kind.both_labels(*f)).collect();
        return Err(ImportError::new(
            ImportErrorKind::NoHeader,
            &table.path,
            format!(
                "{file}: no header row found{hint}; expected a row with at least two of {}, but the first filled row (row {}) is: {first}; add the header row or rename the columns",
                expected.join(", "),
                table.row_number(0)
            ),
        ));
    };
    let cols = resolve_columns(kind, &table.rows, header);
    let titles = &table.rows[..header];
    let default_district =
        defaults_from_titles(kind, titles, Field::District).map(|d| district_of(&d));
    let default_unit = defaults_from_titles(kind, titles, Field::Unit);
    let missing: Vec<Field> = kind
        .required()
        .iter()
        .copied()
        .filter(|f| {
            let from_title = *f == Field::Unit && default_unit.is_some();
            !cols.fields.contains_key(f) && !from_title
        })
        .collect();
    if !missing.is_empty() {
        let found: Vec<&str> = table.rows[header..header + cols.height]
            .iter()
            .flatten()
            .map(String::as_str)
            .filter(|t| !t.is_empty())
            .collect();
        let mut found_distinct: Vec<&str> = Vec::new();
        for t in found {
            if !found_distinct.contains(&t) {
                found_distinct.push(t);
            }
        }
        let hint = if find_header(kind.other(), &table.rows).is_some_and(|h| {
            let other = resolve_columns(kind.other(), &table.rows, h);
            kind.other()
                .required()
                .iter()
                .all(|f| other.fields.contains_key(f))
        }) {
            format!(
                " (it looks like a {} list; use `jury import {}`)",
                kind.other().noun(),
                kind.other().noun()
            )
        } else {
            String::new()
        };
        let names: Vec<String> = missing.iter().map(|f| kind.both_labels(*f)).collect();
        return Err(ImportError::new(
            ImportErrorKind::MissingColumns,
            &table.path,
            format!(
                "{file}: the header on row {} has no {} column{}{hint}; it has: {}; add the column or rename its header to {}",
                table.row_number(header),
                names.join(", "),
                if missing.len() > 1 { "s" } else { "" },
                found_distinct.join(", "),
                missing.iter().map(|f| { let (zh, en) = kind.headers(*f); format!("{zh} or {en}") }).collect::<Vec<_>>().join("; ")
            ),
        ));
    }

    let mut state = BuildState {
        default_district: default_district.clone(),
        default_unit: default_unit.clone(),
        last_district: None,
    };
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut stripped = Vec::new();
    let mut unnamed_used: Vec<usize> = Vec::new();
    let id_cols: Vec<usize> = [Field::Id, Field::RowNo]
        .iter()
        .flat_map(|f| cols.fields.get(f).cloned().unwrap_or_default())
        .collect();
    let quiet_cols: Vec<usize> = id_cols
        .iter()
        .chain(cols.fields.get(&Field::District).into_iter().flatten())
        .copied()
        .collect();
    for (i, row) in table.rows.iter().enumerate().skip(header + cols.height) {
        let number = table.row_number(i);
        let filled: Vec<(usize, &str)> = row
            .iter()
            .enumerate()
            .filter(|(_, t)| !t.is_empty())
            .map(|(c, t)| (c, t.as_str()))
            .collect();
        if filled.is_empty() {
            continue;
        }
        let text = filled
            .iter()
            .map(|(_, t)| *t)
            .collect::<Vec<_>>()
            .join(" | ");
        let id_text = id_cols
            .iter()
            .map(|&c| cell(row, c))
            .find(|t| !t.is_empty())
            .unwrap_or("");
        let has_id = id_like(id_text);
        let mut distinct: Vec<&str> = filled.iter().map(|(_, t)| *t).collect();
        distinct.sort_unstable();
        distinct.dedup();
        // An unused numbered line: nothing but the number (and a district merged down).
        let unused_line = kind == FormKind::Works
            && filled.iter().all(|(c, _)| quiet_cols.contains(c))
            && !id_cols.is_empty();
        // Notes start in the first column (or the number column); a title that happens to
        // start with 说明 further right is a work missing its number, not a note.
        let starts_left = filled[0].0 == 0 || id_cols.contains(&filled[0].0);
        // One text alone in the number column or in a column not read (a title line of
        // a pasted form, a stray remark) is no work; alone in 姓名 it is a judge without unit.
        let lone_text = filled.len() == 1
            && (id_cols.contains(&filled[0].0)
                || !cols.fields.values().any(|c| c.contains(&filled[0].0)));
        let note = !has_id
            && ((distinct.len() == 1 && (filled.len() >= 2 || lone_text))
                || (starts_left && is_note(filled[0].1)));
        // Forms pasted one under another: their title rows set the district (or unit) for
        // the rows that follow, and their header rows are not works.
        if !has_id && distinct.len() == 1 {
            if let Some(d) = title_default(kind, distinct[0], Field::District) {
                state.default_district = Some(district_of(&d));
                state.last_district = None;
            } else if let Some(u) = title_default(kind, distinct[0], Field::Unit) {
                state.default_unit = Some(u);
            }
        }
        let repeated_header = !has_id && {
            let fields = row_fields(kind, row);
            fields.len() >= 2 && fields.iter().any(|f| kind.key_fields().contains(f))
        };
        if unused_line || note || repeated_header {
            skipped.push(SkippedRow { row: number, text });
            continue;
        }
        for &(c, _) in &filled {
            if cols.unnamed.contains(&c) && !unnamed_used.contains(&c) {
                unnamed_used.push(c);
            }
        }
        let mut reader = RowReader {
            kind,
            number,
            row,
            cols: &cols,
            problems: Vec::new(),
            stripped: Vec::new(),
        };
        let built = build(&mut reader, &mut state);
        if !reader.stripped.is_empty() {
            stripped.push((number, std::mem::take(&mut reader.stripped)));
        }
        let (key, value) = built;
        let outcome = if reader.problems.is_empty() {
            Outcome::Good(value)
        } else {
            Outcome::Bad(reader.problems)
        };
        entries.push((number, key, outcome));
    }
    let mut ignored = cols.ignored.clone();
    unnamed_used.sort_unstable();
    ignored.extend(
        unnamed_used
            .iter()
            .map(|&c| format!("column {} (no header)", column_letter(c))),
    );
    let columns = cols.names.iter().map(|(f, n)| (*f, n.clone())).collect();
    Ok(Parsed {
        entries,
        skipped,
        ignored,
        columns,
        header_row: table.row_number(header),
        default_district,
        default_unit,
        stripped,
    })
}

/// What carries from row to row while building.
struct BuildState {
    default_district: Option<String>,
    default_unit: Option<String>,
    last_district: Option<String>,
}

impl BuildState {
    fn district(&mut self, given: String, fill_down: bool) -> String {
        if !given.is_empty() {
            let d = district_of(&given);
            self.last_district = Some(d.clone());
            return d;
        }
        let carried = if fill_down {
            self.last_district.clone()
        } else {
            None
        };
        carried
            .or_else(|| self.default_district.clone())
            .unwrap_or_default()
    }
}

/// Finishes a parse: rows that share a duplicate key all become bad.
fn finish<T>(
    table: &Table,
    parsed: Parsed<T>,
    duplicate: impl Fn(&str, Vec<usize>) -> Problem,
) -> ImportReport<T> {
    let mut by_key: HashMap<String, Vec<usize>> = HashMap::new();
    for (row, key, _) in &parsed.entries {
        if let Some((k, _)) = key {
            by_key.entry(k.clone()).or_default().push(*row);
        }
    }
    let mut rows = Vec::new();
    let mut bad = Vec::new();
    for (row, key, outcome) in parsed.entries {
        let dup = key.as_ref().and_then(|(k, shown)| {
            let rows = &by_key[k];
            (rows.len() > 1).then(|| {
                (
                    shown.clone(),
                    rows.iter()
                        .copied()
                        .filter(|r| *r != row)
                        .collect::<Vec<_>>(),
                )
            })
        });
        let mut problems = match outcome {
            Outcome::Good(value) if dup.is_none() => {
                rows.push(value);
                continue;
            }
            Outcome::Good(_) => Vec::new(),
            Outcome::Bad(p) => p,
        };
        if let Some((k, others)) = dup {
            problems.push(duplicate(&k, others));
        }
        bad.push(BadRow { row, problems });
    }
    bad.sort_by_key(|b| b.row);
    ImportReport {
        rows,
        bad,
        skipped: parsed.skipped,
        ignored_columns: parsed.ignored,
        columns: parsed.columns,
        encoding: table.encoding.clone(),
        sheet: table.sheet.clone(),
        header_row: parsed.header_row,
        default_district: parsed.default_district,
        default_unit: parsed.default_unit,
        stripped: parsed.stripped,
        key_value: table.key_value,
    }
}

/// Parses a works form. Fails only when the file as a whole cannot be a works form (no
/// header, required columns missing); row problems are in the report.
pub fn parse_works(table: &Table) -> Result<ImportReport<WorkRow>, ImportError> {
    let parsed = parse(table, FormKind::Works, |r, state| {
        // The number that must be unique in the form: the contest-wide one if the form has
        // that column, else its row counter.
        let number_field = if r.cols.fields.contains_key(&Field::Id) {
            Some(Field::Id)
        } else if r.cols.fields.contains_key(&Field::RowNo) {
            Some(Field::RowNo)
        } else {
            None
        };
        let raw_id = r.get(Field::Id);
        let id = normalize_id(&raw_id);
        let raw_no = r.get(Field::RowNo);
        let origin_no = normalize_id(&raw_no);
        let mut key = None;
        if let Some(field) = number_field {
            let (raw, number) = if field == Field::Id {
                (&raw_id, &id)
            } else {
                (&raw_no, &origin_no)
            };
            r.require(field, number);
            if !number.is_empty() {
                if id_is_usable(number) {
                    key = Some((number.clone(), number.clone()));
                } else {
                    r.problems.push(Problem::BadId {
                        column: r.name(field),
                        value: raw.clone(),
                    });
                }
            }
        }
        let title = r.get(Field::Title);
        r.require(Field::Title, &title);
        let mut unit = r.get(Field::Unit);
        if unit.is_empty() {
            unit = state.default_unit.clone().unwrap_or_default();
        }
        r.require(Field::Unit, &unit);
        let district = r.get(Field::District);
        let district = state.district(district, true);
        let media = normalize_path(&r.get(Field::MediaFile));
        if media.chars().any(char::is_control) {
            r.problems.push(Problem::BadPath {
                column: r.name(Field::MediaFile),
            });
        }
        let work = WorkRow {
            id,
            origin_no,
            title,
            unit,
            district,
            address: r.get(Field::Address),
            contact: r.get(Field::Contact),
            contact_person: person_name(&r.get(Field::ContactPerson)),
            media_file: (!media.is_empty()).then_some(media),
            summary: r.get(Field::Summary),
            creators: r.get(Field::Creators),
            email: r.get(Field::Email),
            credit_code: fold_width(&r.get(Field::CreditCode)).to_ascii_uppercase(),
            row: r.number,
        };
        (key, work)
    })?;
    Ok(finish(table, parsed, |id, rows| Problem::DuplicateId {
        id: id.to_string(),
        rows,
    }))
}

/// Parses a judges list (name, unit, district, contact, declared conflicts).
pub fn parse_judges(table: &Table) -> Result<ImportReport<JudgeRow>, ImportError> {
    let parsed = parse(table, FormKind::Judges, |r, state| {
        let name = person_name(&r.get(Field::Name));
        r.require(Field::Name, &name);
        let unit = r.get(Field::Unit);
        r.require(Field::Unit, &unit);
        let district = r.get(Field::District);
        let district = state.district(district, false);
        let conflict_units = split_list(&r.get(Field::ConflictUnits), false);
        let conflict_works = split_list(&r.get(Field::ConflictWorks), true);
        let key = (!name.is_empty() && !unit.is_empty()).then(|| {
            (
                format!("{}\u{1F}{}", fold(&name), fold(&unit)),
                name.clone(),
            )
        });
        let judge = JudgeRow {
            name,
            unit,
            district,
            contact: r.get(Field::Contact),
            conflict_units,
            conflict_works,
            row: r.number,
        };
        (key, judge)
    })?;
    Ok(finish(table, parsed, |name, rows| {
        Problem::DuplicateJudge {
            name: name.to_string(),
            rows,
        }
    }))
}

// ---------------------------------------------------------------------------------------
// Quotas

/// A quota from the call that the imported works break.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum QuotaIssue {
    /// More works from one unit than the call allows.
    UnitOver {
        unit: String,
        count: usize,
        max: u32,
        rows: Vec<usize>,
    },
    /// More works recommended by one district than its quota.
    DistrictOver {
        district: String,
        count: usize,
        max: u32,
        rows: Vec<usize>,
    },
    /// Fewer works than the district's quota asks for.
    DistrictUnder {
        district: String,
        count: usize,
        min: u32,
        rows: Vec<usize>,
    },
}

impl QuotaIssue {
    pub fn rows(&self) -> &[usize] {
        match self {
            QuotaIssue::UnitOver { rows, .. }
            | QuotaIssue::DistrictOver { rows, .. }
            | QuotaIssue::DistrictUnder { rows, .. } => rows,
        }
    }
}

/// Key for comparing unit and district names: no spaces, ASCII brackets, lower case.
fn name_key(text: &str) -> String {
    fold(text)
}

/// Checks the call's quotas over a set of works (pass every work of the contest, not only
/// one file's, when forms arrive per district). Districts that sent nothing are not
/// reported: only districts present among the works are checked. A district matches a
/// quota by its name, or by the longest quota name it contains (`重庆市渝中区` → `渝中区`);
/// `["*"]` covers every district no earlier quota names. Works without a district count
/// for unit quotas only.
pub fn check_quotas(rows: &[WorkRow], quotas: &Quotas) -> Vec<QuotaIssue> {
    let mut issues = Vec::new();
    if let Some(max) = quotas.max_works_per_unit {
        let mut units: Vec<(String, String, Vec<usize>)> = Vec::new();
        for w in rows.iter().filter(|w| !w.unit.is_empty()) {
            let key = name_key(&w.unit);
            match units.iter_mut().find(|(k, _, _)| *k == key) {
                Some((_, _, r)) => r.push(w.row),
                None => units.push((key, w.unit.clone(), vec![w.row])),
            }
        }
        for (_, unit, r) in units {
            if r.len() > max as usize {
                issues.push(QuotaIssue::UnitOver {
                    unit,
                    count: r.len(),
                    max,
                    rows: r,
                });
            }
        }
    }
    if quotas.districts.is_empty() {
        return issues;
    }
    // (key, name shown, quota, rows): districts named by a quota are counted under that name.
    let mut districts: Vec<(String, String, &DistrictQuota, Vec<usize>)> = Vec::new();
    for w in rows.iter().filter(|w| !w.district.is_empty()) {
        let Some((name, quota)) = district_quota(&w.district, quotas) else {
            continue;
        };
        let key = name_key(&name);
        match districts.iter_mut().find(|(k, ..)| *k == key) {
            Some((.., r)) => r.push(w.row),
            None => districts.push((key, name, quota, vec![w.row])),
        }
    }
    for (_, district, q, r) in districts {
        let count = r.len();
        if count > q.max as usize {
            issues.push(QuotaIssue::DistrictOver {
                district,
                count,
                max: q.max,
                rows: r,
            });
        } else if count < q.min as usize {
            issues.push(QuotaIssue::DistrictUnder {
                district,
                count,
                min: q.min,
                rows: r,
            });
        }
    }
    issues
}

/// The quota that covers a district, and the name it is counted under: the quota's own
/// spelling when a quota names it (exactly or as the longest name it contains), else the
/// district as written under the `*` quota.
fn district_quota<'q>(district: &str, quotas: &'q Quotas) -> Option<(String, &'q DistrictQuota)> {
    let key = name_key(district);
    let named = quotas.districts.iter().flat_map(|q| {
        q.names
            .iter()
            .filter(|n| n.as_str() != "*")
            .map(move |n| (n, q))
    });
    if let Some((n, q)) = named.clone().find(|(n, _)| name_key(n) == key) {
        return Some((n.clone(), q));
    }
    let mut best: Option<(usize, &String, &DistrictQuota)> = None;
    for (n, q) in named {
        let nk = name_key(n);
        if !nk.is_empty() && key.contains(&nk) && best.is_none_or(|(len, ..)| nk.len() > len) {
            best = Some((nk.len(), n, q));
        }
    }
    if let Some((_, n, q)) = best {
        return Some((n.clone(), q));
    }
    quotas
        .districts
        .iter()
        .find(|q| q.names.iter().any(|n| n == "*"))
        .map(|q| (district.to_string(), q))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(r: &[&[&str]]) -> Vec<Vec<String>> {
        r.iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect()
    }

    #[test]
    fn a_key_value_form_becomes_a_header_and_one_row() {
        let titles = rows(&[&["创作单位：西南大学"]]);
        let table = rows(&[
            &["作品名称", "嘉陵江的鱼", "嘉陵江的鱼"],
            &["联系人姓名", "李明", "电子邮箱", "a@b.cn"],
            &["内容简介及主要创新点", "第一段"],
            &["内容简介及主要创新点", "第二段"],
            &[
                "创作单位诚信承诺",
                "我单位（统一社会信用代码为 ９１５０００００ＭＡ５ＵＡＢＣＤ１Ｘ ）承诺",
            ],
        ]);
        let out = key_value_rows(&titles, &table).unwrap();
        assert_eq!(out[0], ["创作单位：西南大学"]);
        assert_eq!(
            out[1],
            [
                "作品名称",
                "联系人姓名",
                "电子邮箱",
                "内容简介及主要创新点",
                "统一社会信用代码"
            ]
        );
        assert_eq!(
            out[2],
            [
                "嘉陵江的鱼",
                "李明",
                "a@b.cn",
                "第一段\n第二段",
                "91500000MA5UABCD1X"
            ]
        );
        // A list form's header, or a table without a title label, is no key–value form.
        assert!(key_value_rows(&[], &rows(&[&["序号", "作品名称"], &["1", "甲"]])).is_none());
        assert!(key_value_rows(&[], &rows(&[&["联系人姓名", "李明", "电子邮箱", "x"]])).is_none());
    }

    #[test]
    fn headers_match_aliases_in_any_width_and_case() {
        let k = FormKind::Works;
        assert_eq!(alias_field(k, "序 号"), Some(Field::RowNo));
        assert_eq!(alias_field(k, "No."), Some(Field::RowNo));
        assert_eq!(alias_field(k, "作品编号"), Some(Field::Id));
        assert_eq!(alias_field(k, "主创人员"), Some(Field::Creators));
        assert_eq!(alias_field(k, "作者"), Some(Field::Creators));
        assert_eq!(alias_field(k, "作者单位"), Some(Field::Unit));
        assert_eq!(alias_field(k, "ＴＩＴＬＥ"), Some(Field::Title));
        assert_eq!(alias_field(k, "推荐单位（区县）"), Some(Field::District));
        assert_eq!(alias_field(k, "推荐单位"), Some(Field::District));
        assert_eq!(alias_field(k, "创作单位"), Some(Field::Unit));
        assert_eq!(alias_field(k, "*作品名称："), Some(Field::Title));
        assert_eq!(alias_field(k, "联系方式(手机)"), Some(Field::Contact));
        assert_eq!(alias_field(k, "Video File"), Some(Field::MediaFile));
        assert_eq!(alias_field(k, "电子邮箱"), Some(Field::Email));
        assert_eq!(alias_field(k, "统一社会信用代码"), Some(Field::CreditCode));
        assert_eq!(alias_field(k, "联系人姓名"), Some(Field::ContactPerson));
        assert_eq!(
            alias_field(FormKind::Judges, "回避单位"),
            Some(Field::ConflictUnits)
        );
        assert_eq!(alias_field(FormKind::Judges, "作品名称"), None);
    }

    #[test]
    fn ids_and_lists_normalise() {
        assert_eq!(normalize_id("1.0"), "1");
        assert_eq!(normalize_id("１２"), "12");
        assert_eq!(normalize_id("1.5"), "1.5");
        for same in ["1", "01", "001", "1.0", "１", " 0001 "] {
            assert_eq!(normalize_id(same), "1", "{same}");
        }
        assert_eq!(normalize_id("000"), "0");
        assert_eq!(normalize_id("A-01"), "A-01");
        assert_eq!(
            split_list("3、５,7；9-11", true),
            ["3", "5", "7", "9", "10", "11"]
        );
        assert_eq!(
            split_list("重庆大学、西南大学；Chongqing University", false),
            ["重庆大学", "西南大学", "Chongqing University"]
        );
        assert!(split_list("无", false).is_empty());
    }

    #[test]
    fn districts_lose_their_department() {
        assert_eq!(district_of("渝中区科学技术局"), "渝中区");
        assert_eq!(
            district_of("西部科学城重庆高新区改革发展局"),
            "西部科学城重庆高新区"
        );
        assert_eq!(
            district_of("石柱土家族自治县科学技术局"),
            "石柱土家族自治县"
        );
        assert_eq!(district_of("渝中区"), "渝中区");
        assert_eq!(district_of("重庆大学"), "重庆大学");
    }

    #[test]
    fn garbled_text_is_recognised() {
        assert!(is_garbled("作品\u{FFFD}"));
        assert!(is_garbled("锟斤拷"));
        let mojibake = encoding_rs::WINDOWS_1252
            .decode_without_bom_handling("作品名称".as_bytes())
            .0
            .into_owned();
        assert!(is_garbled(&mojibake), "{mojibake}");
        assert!(!is_garbled("Café au lait"));
        assert!(!is_garbled("作品名称"));
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
    }
}
