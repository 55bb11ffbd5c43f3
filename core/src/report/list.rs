//! Renders the declarations found, without judging them: the `list` command's table and JSON.

use super::json::{DeclarationOutput, NoticeOutput};
use super::{count, notice_place, one_line, pretty_json, short_value, NOTHING_FOUND};
use crate::{Declaration, IssuerUrl, ReadNotice, ThumbprintList};
use serde::Serialize;

/// The widest an expression is shown in the table before it is cut.
const EXPRESSION_WIDTH: usize = 60;

/// Renders the declarations as an aligned table (place, format, resource, issuer URL or
/// expression, thumbprints), then the files that could not be read, then a count.
pub fn render_list_text(declarations: &[Declaration], notices: &[ReadNotice]) -> String {
    let mut out = String::new();

    if !declarations.is_empty() {
        let header = ["LOCATION", "FORMAT", "RESOURCE", "ISSUER", "THUMBPRINTS"].map(String::from);
        let rows: Vec<[String; 5]> = declarations.iter().map(row).collect();
        out.push_str(&table(&header, &rows));
    }

    if !notices.is_empty() {
        if !out.is_empty() {
            out.push('\n');
        }
        for notice in notices {
            out.push_str(&format!(
                "{}: could not be read: {}\n",
                notice_place(notice),
                notice.message
            ));
        }
    }

    if !out.is_empty() {
        out.push('\n');
    }
    if declarations.is_empty() {
        out.push_str(NOTHING_FOUND);
    } else {
        out.push_str(&format!(
            "{} found.",
            count(declarations.len(), "declaration", "declarations")
        ));
    }
    out.push('\n');
    out
}

/// Renders the declarations as versioned JSON: `{"version":1,"declarations":[...],"notices":[...]}`.
pub fn render_list_json(declarations: &[Declaration], notices: &[ReadNotice]) -> String {
    pretty_json(&ListOutput {
        version: super::json::VERSION,
        declarations: declarations
            .iter()
            .map(|d| DeclarationOutput::of(d, false))
            .collect(),
        notices: notices.iter().map(NoticeOutput::of).collect(),
    })
}

fn row(declaration: &Declaration) -> [String; 5] {
    let span = &declaration.location;
    let issuer = match &declaration.url {
        IssuerUrl::Known {
            url,
            expression: None,
        } => url.clone(),
        IssuerUrl::Known {
            url,
            expression: Some(expression),
        } => format!("{url} (from {})", one_line(expression, EXPRESSION_WIDTH)),
        IssuerUrl::Eks { region, expression } => format!(
            "EKS issuer in {region}: {}",
            one_line(expression, EXPRESSION_WIDTH)
        ),
        IssuerUrl::Unresolved { expression } => {
            format!("unresolved: {}", one_line(expression, EXPRESSION_WIDTH))
        }
    };
    let thumbprints = match &declaration.thumbprints {
        ThumbprintList::Literal { values, .. } => {
            let shown: Vec<String> = values.iter().map(|v| short_value(&v.value)).collect();
            format!("{}: {}", values.len(), shown.join(", "))
        }
        ThumbprintList::Dynamic { expression } => {
            format!("dynamic: {}", one_line(expression, EXPRESSION_WIDTH))
        }
        ThumbprintList::Absent => "none".to_string(),
    };
    [
        format!("{}:{}:{}", declaration.file, span.line, span.column),
        declaration.format.as_str().to_string(),
        declaration.resource.clone(),
        issuer,
        thumbprints,
    ]
}

/// Columns padded to their widest cell, two spaces apart, no trailing spaces.
fn table(header: &[String; 5], rows: &[[String; 5]]) -> String {
    let mut widths = [0usize; 5];
    for cells in std::iter::once(header).chain(rows) {
        for (width, cell) in widths.iter_mut().zip(cells) {
            *width = (*width).max(cell.chars().count());
        }
    }

    let mut out = String::new();
    for cells in std::iter::once(header).chain(rows) {
        let mut line = String::new();
        for (cell, width) in cells.iter().zip(widths) {
            line.push_str(&format!("{cell:width$}  "));
        }
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

#[derive(Serialize)]
struct ListOutput<'a> {
    version: u32,
    declarations: Vec<DeclarationOutput<'a>>,
    notices: Vec<NoticeOutput<'a>>,
}
