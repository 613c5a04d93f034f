//! What a chart shows, as text: a summary per series and CSV of the visible
//! range (for screen readers, spreadsheets and reports).

/// Min, max, mean and last of the real values in a range.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Summary {
    pub count: usize,
    pub min: (i64, f64),
    pub max: (i64, f64),
    pub mean: f64,
    pub last: (i64, f64),
}

pub fn summary(points: impl Iterator<Item = (i64, f64)>) -> Option<Summary> {
    let mut s: Option<Summary> = None;
    let mut sum = 0.0;
    for p in points.filter(|p| p.1.is_finite()) {
        sum += p.1;
        let s = s.get_or_insert(Summary {
            count: 0,
            min: p,
            max: p,
            mean: 0.0,
            last: p,
        });
        s.count += 1;
        if p.1 < s.min.1 {
            s.min = p;
        }
        if p.1 > s.max.1 {
            s.max = p;
        }
        s.last = p;
    }
    s.map(|s| Summary {
        mean: sum / s.count as f64,
        ..s
    })
}

/// One CSV column set per series: what the file says about it.
pub struct CsvSeries<'a, I> {
    pub key: &'a str,
    pub label: &'a str,
    pub unit: &'a str,
    pub points: I,
}

/// RFC 4180 CSV, one row per sample: UTC time (ISO 8601), local time, the
/// point's key and name, unit and value. Fields are quoted where needed.
pub fn csv<'a, I: Iterator<Item = (i64, f64)>>(
    series: impl IntoIterator<Item = CsvSeries<'a, I>>,
    local_time: &dyn Fn(i64) -> String,
) -> String {
    let mut out = String::from("time_utc,time_local,point,name,unit,value\r\n");
    for s in series {
        for (t, v) in s.points.filter(|p| p.1.is_finite()) {
            let row = [
                iso_utc(t),
                local_time(t),
                s.key.to_owned(),
                s.label.to_owned(),
                s.unit.to_owned(),
                v.to_string(),
            ];
            let fields: Vec<String> = row.iter().map(|f| field(f)).collect();
            out.push_str(&fields.join(","));
            out.push_str("\r\n");
        }
    }
    out
}

fn field(f: &str) -> String {
    // A leading = + - @ would run as a formula in a spreadsheet: quote it with a '.
    let f = if f.starts_with(['=', '+', '@']) || (f.starts_with('-') && f.parse::<f64>().is_err()) {
        format!("'{f}")
    } else {
        f.to_owned()
    };
    if f.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", f.replace('"', "\"\""))
    } else {
        f
    }
}

/// `2026-11-22T14:05:03.250Z`.
pub fn iso_utc(t: i64) -> String {
    chrono::DateTime::from_timestamp_millis(t)
        .map(|d| {
            use chrono::{Datelike, Timelike};
            format!(
                "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
                d.year(),
                d.month(),
                d.day(),
                d.hour(),
                d.minute(),
                d.second(),
                d.timestamp_subsec_millis()
            )
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_skips_gaps() {
        let s = summary([(1, 3.0), (2, f64::NAN), (3, 1.0), (4, 5.0), (5, 3.0)].into_iter())
            .expect("some");
        assert_eq!(
            (s.count, s.min, s.max, s.mean, s.last),
            (4, (3, 1.0), (4, 5.0), 3.0, (5, 3.0))
        );
        assert_eq!(summary(std::iter::empty()), None);
    }

    #[test]
    fn csv_quotes_names_and_defuses_formulas() {
        let points = vec![(1_795_000_000_000, 21.5), (1_795_000_060_000, f64::NAN)];
        let text = csv(
            [CsvSeries {
                key: "d-1/air_temperature",
                label: "=HYPERLINK(\"x\"), room \"A\"",
                unit: "°C",
                points: points.into_iter(),
            }],
            &|_| "14:05".to_owned(),
        );
        let lines: Vec<&str> = text.split("\r\n").collect();
        assert_eq!(lines[0], "time_utc,time_local,point,name,unit,value");
        assert_eq!(
            lines[1],
            "2026-11-18T11:06:40.000Z,14:05,d-1/air_temperature,\"'=HYPERLINK(\"\"x\"\"), room \"\"A\"\"\",°C,21.5"
        );
        assert_eq!(lines.len(), 3, "the gap is not a row");
    }
}
