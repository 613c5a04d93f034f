//! `GET /api/floors/{id}/plan.svg`: a floor plan drawn from the floor's zones,
//! in plan metres (the image covers exactly the floor's bounds), for the map's
//! `CRS.Simple` floor view. Names are escaped: data never becomes markup.

use axum::{
    extract::{Path, State},
    http::header,
    response::IntoResponse,
};
use cairn_protocol::{Floor, Zone};
use std::fmt::Write;

use crate::{auth::Caller, error::AppError, state::AppState};

#[utoipa::path(get, path = "/api/floors/{id}/plan.svg", tag = "portfolio",
    params(("id" = String, Path, description = "Floor id")),
    responses((status = 200, description = "The plan, SVG in plan metres", content_type = "image/svg+xml"),
        (status = 401, body = cairn_protocol::ErrorBody),
        (status = 404, description = "No such floor on the caller's sites", body = cairn_protocol::ErrorBody)))]
pub(crate) async fn plan_svg(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<String>,
) -> Result<impl IntoResponse, AppError> {
    let catalog = state.catalog();
    let floor = catalog
        .floor(&id)
        .filter(|f| caller.sees_site(&f.site_id))
        .ok_or_else(|| AppError::NotFound(format!("no floor {id:?}")))?;
    let zones = catalog.model.zones.iter().filter(|z| z.floor_id == id);
    Ok((
        [
            (header::CONTENT_TYPE, "image/svg+xml"),
            // Only for this user's browser: another user may not see this site.
            (header::CACHE_CONTROL, "private, max-age=3600"),
        ],
        svg(floor, zones),
    ))
}

/// Escapes text for XML content and attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

fn fill(kind: &str) -> &'static str {
    match kind {
        "Corridor" | "Lobby" => "#eef0f3",
        "Restroom" | "Break_Room" => "#e3eef7",
        "Mechanical_Room" => "#ece7df",
        _ => "#ffffff",
    }
}

pub fn svg<'a>(floor: &Floor, zones: impl Iterator<Item = &'a Zone>) -> String {
    let (w, h) = (floor.width_m, floor.height_m);
    let mut s = String::new();
    // Plan y points north; SVG y points down: flip once for the whole drawing.
    let _ = write!(
        s,
        r##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} {h}" width="{pw}" height="{ph}" font-family="system-ui, sans-serif"><title>{title}</title><rect x="0" y="0" width="{w}" height="{h}" fill="#f7f7f5"/>"##,
        pw = w * 20.0,
        ph = h * 20.0,
        title = escape(&floor.name),
    );
    for z in zones {
        let points: Vec<String> = z
            .outline
            .iter()
            .map(|p| format!("{:.2},{:.2}", p.x, h - p.y))
            .collect();
        let _ = write!(
            s,
            r##"<polygon points="{}" fill="{}" stroke="#5b6470" stroke-width="0.15"/>"##,
            points.join(" "),
            fill(&z.kind)
        );
        let n = z.outline.len().max(1) as f64;
        let cx = z.outline.iter().map(|p| p.x).sum::<f64>() / n;
        let cy = h - z.outline.iter().map(|p| p.y).sum::<f64>() / n;
        // Shrink the label to fit a narrow room (a glyph is ~0.6 em wide).
        let (x0, x1) = z
            .outline
            .iter()
            .fold((f64::MAX, f64::MIN), |(a, b), p| (a.min(p.x), b.max(p.x)));
        let size = (0.7_f64).min((x1 - x0) * 0.9 / (z.name.chars().count() as f64 * 0.6));
        let _ = write!(
            s,
            r##"<text x="{cx:.2}" y="{cy:.2}" font-size="{size:.2}" fill="#5b6470" text-anchor="middle" dominant-baseline="middle">{}</text>"##,
            escape(&z.name)
        );
    }
    let _ = write!(
        s,
        r##"<rect x="0" y="0" width="{w}" height="{h}" fill="none" stroke="#2d333b" stroke-width="0.4"/></svg>"##
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use cairn_protocol::PlanXy;

    #[test]
    fn names_are_escaped_and_the_plan_covers_the_floor() {
        let floor = Floor {
            id: "f".into(),
            building_id: "b".into(),
            site_id: "s".into(),
            level: 1,
            name: "Floor <1>".into(),
            width_m: 40.0,
            height_m: 16.0,
            plan_url: String::new(),
        };
        let zone = Zone {
            id: "z".into(),
            floor_id: "f".into(),
            building_id: "b".into(),
            site_id: "s".into(),
            name: "<img src=x onerror=alert(1)>".into(),
            kind: "Office".into(),
            outline: vec![
                PlanXy { x: 0.0, y: 0.0 },
                PlanXy { x: 4.0, y: 0.0 },
                PlanXy { x: 4.0, y: 6.0 },
            ],
        };
        let out = svg(&floor, [zone].iter());
        assert!(out.contains(r#"viewBox="0 0 40 16""#), "{out}");
        assert!(out.contains("&lt;img src=x onerror=alert(1)&gt;"), "{out}");
        assert!(!out.contains("<img"), "{out}");
        assert!(out.contains("<title>Floor &lt;1&gt;</title>"), "{out}");
        // Plan (4, 6) is 6 m north of the south wall: 10 m from the top in SVG.
        assert!(out.contains("4.00,10.00"), "{out}");
    }
}
