//! A log template for managers who keep the week in a spreadsheet: a row
//! per person, a column per behaviour, filled in and imported back with
//! `ritme import xlsx` (or `csv`) as it is.
//!
//! The workbook lists the site's people and behaviours on a second sheet
//! and validates the cells against them: the person column takes only the
//! site's names, the counts only whole numbers or `skip`.

use std::path::Path;

use rust_xlsxwriter::{DataValidation, DocProperties, ExcelDateTime, Format, Formula, Workbook, XlsxError};

use super::Site;
use crate::diagnostics::Diagnostic;

/// The header of the person and week columns; import reads them by these names.
const PERSON: &str = "Person";
const WEEK: &str = "Week";

/// People in team order, then by name: (name, id).
fn people(site: &Site) -> Vec<(&str, &str)> {
    let mut out: Vec<(&str, &str, &str)> = site
        .data
        .people
        .iter()
        .map(|p| (p.team.as_str(), p.name.as_str(), p.id.as_str()))
        .collect();
    out.sort();
    out.into_iter().map(|(_, name, id)| (name, id)).collect()
}

/// Behaviours by id: (title, id).
fn behaviours(site: &Site) -> Vec<(&str, &str)> {
    site.behaviours
        .ids()
        .map(|id| (site.behaviours.name(id).unwrap_or(id), id))
        .collect()
}

/// The template as CSV text.
pub fn csv(site: &Site) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header = vec![PERSON, WEEK];
    header.extend(behaviours(site).iter().map(|(title, _)| *title));
    let _ = w.write_record(&header);
    for (name, _) in people(site) {
        let mut row = vec![name.to_string(), String::new()];
        row.resize(header.len(), String::new());
        let _ = w.write_record(&row);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}

/// The template as an .xlsx workbook.
pub fn xlsx(site: &Site) -> Result<Vec<u8>, XlsxError> {
    let people = people(site);
    let behaviours = behaviours(site);
    let mut book = Workbook::new();
    // A fixed creation date: the same site gives the same bytes.
    let created = ExcelDateTime::from_ymd(2026, 1, 1)?;
    book.set_properties(
        &DocProperties::new()
            .set_creation_datetime(&created)
            .set_title("ritme log template"),
    );
    let bold = Format::new().set_bold();
    let last_row = people.len().max(1) as u32 + 50;
    {
        let sheet = book.add_worksheet();
        sheet.set_name("Log")?;
        sheet.write_string_with_format(0, 0, PERSON, &bold)?;
        sheet.write_string_with_format(0, 1, WEEK, &bold)?;
        sheet.set_column_width(0, 24)?;
        sheet.set_column_width(1, 11)?;
        for (i, (title, _)) in behaviours.iter().enumerate() {
            let col = 2 + i as u16;
            sheet.write_string_with_format(0, col, *title, &bold)?;
            sheet.set_column_width(col, (title.chars().count() as f64 + 2.0).clamp(8.0, 30.0))?;
        }
        for (r, (name, _)) in people.iter().enumerate() {
            sheet.write_string(1 + r as u32, 0, *name)?;
        }
        sheet.set_freeze_panes(1, 2)?;
        let person_list = DataValidation::new()
            .allow_list_formula(Formula::new(format!("=Lists!$A$2:$A${}", people.len().max(1) + 1)))
            .set_error_message("Choose a person of the site from the list (sheet Lists).")?;
        sheet.add_data_validation(1, 0, last_row, 0, &person_list)?;
        let week = DataValidation::new()
            .allow_custom(Formula::new("=AND(LEN(B2)=8,MID(B2,5,2)=\"-W\")"))
            .set_input_message("The ISO week, e.g. 2026-W10.")?
            .set_error_message("Write the ISO week as YYYY-Www, e.g. 2026-W10.")?;
        sheet.add_data_validation(1, 1, last_row, 1, &week)?;
        if !behaviours.is_empty() {
            let count = DataValidation::new()
                .allow_custom(Formula::new(
                    "=OR(AND(ISNUMBER(C2),C2>=0,INT(C2)=C2),LOWER(C2)=\"skip\")",
                ))
                .set_input_message("Times this week (0 or more), or skip; leave empty when not logged.")?
                .set_error_message("Write a whole number of 0 or more, or skip.")?;
            sheet.add_data_validation(1, 2, last_row, 1 + behaviours.len() as u16, &count)?;
        }
    }
    {
        let lists = book.add_worksheet();
        lists.set_name("Lists")?;
        lists.write_string_with_format(0, 0, "People", &bold)?;
        lists.write_string_with_format(0, 1, "Id", &bold)?;
        lists.write_string_with_format(0, 3, "Behaviours", &bold)?;
        lists.write_string_with_format(0, 4, "Id", &bold)?;
        for (r, (name, id)) in people.iter().enumerate() {
            lists.write_string(1 + r as u32, 0, *name)?;
            lists.write_string(1 + r as u32, 1, *id)?;
        }
        for (r, (title, id)) in behaviours.iter().enumerate() {
            lists.write_string(1 + r as u32, 3, *title)?;
            lists.write_string(1 + r as u32, 4, *id)?;
        }
        lists.set_column_width(0, 24)?;
        lists.set_column_width(3, 30)?;
    }
    book.save_to_buffer()
}

/// Writes the template to `out` (`.xlsx` or `.csv`, by its extension).
pub fn write(site: &Site, out: &Path) -> Result<(), Diagnostic> {
    let shown = out.display().to_string();
    let ext = out
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase)
        .unwrap_or_default();
    let bytes = match ext.as_str() {
        "csv" => csv(site).into_bytes(),
        "xlsx" => xlsx(site).map_err(|e| {
            Diagnostic::error(&shown, format!("cannot make the workbook: {e}"))
                .with_hint("the site's names may be too long for Excel; please report it")
        })?,
        _ => {
            return Err(Diagnostic::error(&shown, "the template is written as .xlsx or .csv")
                .with_hint("name the file e.g. log-template.xlsx"));
        }
    };
    if let Some(parent) = out.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)
            .map_err(|e| Diagnostic::error(&shown, format!("cannot create the folder: {}", super::io_words(&e))))?;
    }
    std::fs::write(out, bytes).map_err(|e| Diagnostic::error(&shown, format!("cannot write: {}", super::io_words(&e))))
}

/// Where `ritme new` puts the templates, relative to the site.
pub const NEW_SITE_FILES: [&str; 2] = ["import/log-template.xlsx", "import/log-template.csv"];

/// Writes the log templates into a site `ritme new` has just made; returns
/// how many files it wrote.
pub fn for_new_site(dir: &Path) -> anyhow::Result<usize> {
    let site = Site::load(dir).map_err(|d| {
        anyhow::anyhow!(
            "the new site does not load: {}",
            d.first().map(ToString::to_string).unwrap_or_default()
        )
    })?;
    for rel in NEW_SITE_FILES {
        write(&site, &dir.join(rel)).map_err(|d| anyhow::anyhow!("{d}"))?;
    }
    Ok(NEW_SITE_FILES.len())
}
