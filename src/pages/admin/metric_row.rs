//! One metric in the metrics table (`metric-<name>`): label, name, units,
//! plausible range, decimals, the built-in default alert thresholds, what
//! kind of readings it takes, and Edit for admins' own metrics. A card per
//! metric on a tablet (`.cairn-table--stack`). Every value as text.

use cairn_protocol::{Metric, MetricDef, Thresholds};
use leptos::prelude::*;

#[component]
pub fn MetricRow(
    def: MetricDef,
    /// Whether Edit is offered (admins).
    #[prop(into)]
    admin: Signal<bool>,
    on_edit: Callback<MetricDef>,
) -> impl IntoView {
    let metric = Metric::parse(&def.name);
    let alerts = metric
        .and_then(Metric::default_thresholds)
        .map(|t| thresholds_text(&t));
    let note = metric.and_then(|m| {
        if m.is_cumulative() {
            Some("cumulative meter")
        } else if m.is_boolean() {
            Some("on/off")
        } else {
            None
        }
    });
    let shown_unit = if def.display_unit.is_empty() {
        def.unit.clone()
    } else {
        def.display_unit.clone()
    };
    let senml = (!def.unit.is_empty() && def.unit != shown_unit).then(|| def.unit.clone());
    let range = format!("{} – {}", number(def.min), number(def.max));
    let editable = !def.built_in;
    let (edit_id, edit_label) = (
        format!("metric-edit-{}", def.name),
        format!("Edit {}", def.label),
    );
    let stored = def.clone();
    let edit = move |_| on_edit.run(stored.clone());
    view! {
        <tr data-testid=format!("metric-{}", def.name)>
            <td data-label="Metric"><span class="cairn-table__strong">{def.label.clone()}</span></td>
            <td data-label="Name"><code class="cairn-metrics__mono">{def.name.clone()}</code></td>
            <td data-label="Unit">
                {if shown_unit.is_empty() { "—".to_owned() } else { shown_unit }}
                {senml.map(|u| view! { " "<span class="cairn-table__muted" title="SenML unit">{format!("SenML {u}")}</span> })}
            </td>
            <td data-label="Plausible range" class="cairn-metrics__number">{range}</td>
            <td data-label="Decimals" class="cairn-metrics__number">{def.precision.to_string()}</td>
            <td data-label="Default alerts">
                {alerts.unwrap_or_else(|| "—".to_owned())}
            </td>
            <td data-label="Kind">
                {if def.built_in {
                    view! { <span class="cairn-metrics__badge cairn-metrics__badge--built-in">"Built-in"</span> }
                } else {
                    view! { <span class="cairn-metrics__badge cairn-metrics__badge--custom">"Custom"</span> }
                }}
                {note.map(|n| view! { " "<span class="cairn-table__muted cairn-metrics__note">{n}</span> })}
            </td>
            <td>
                <Show when=move || editable && admin.get()>
                    <button type="button" class="cairn-button" data-testid=edit_id.clone()
                        aria-label=edit_label.clone() on:click=edit.clone()>"Edit"</button>
                </Show>
            </td>
        </tr>
    }
}

/// `1000`, `37.5`, `-150`; a million and more as a power of ten (`10¹²`, `-10⁸`, `2.5×10⁶`).
pub fn number(v: f64) -> String {
    if !v.is_finite() || v.abs() < 1.0e6 {
        return v.to_string();
    }
    let text = format!("{v:e}");
    let (mantissa, exponent) = text.split_once('e').unwrap_or((&text, "0"));
    let sup: String = (exponent.chars())
        .map(|c| match c {
            '-' => '⁻',
            d => ['⁰', '¹', '²', '³', '⁴', '⁵', '⁶', '⁷', '⁸', '⁹']
                [d.to_digit(10).unwrap_or(0) as usize],
        })
        .collect();
    match mantissa {
        "1" => format!("10{sup}"),
        "-1" => format!("-10{sup}"),
        m => format!("{m}×10{sup}"),
    }
}

/// `warn > 1000, critical > 2000`; `warn < 19 or > 27, critical < 16 or > 30`.
pub fn thresholds_text(t: &Thresholds) -> String {
    let side = |below: Option<f64>, above: Option<f64>| {
        let parts: Vec<String> = [
            below.map(|v| format!("< {}", number(v))),
            above.map(|v| format!("> {}", number(v))),
        ]
        .into_iter()
        .flatten()
        .collect();
        (!parts.is_empty()).then(|| parts.join(" or "))
    };
    [
        side(t.warn_below, t.warn_above).map(|s| format!("warn {s}")),
        side(t.critical_below, t.critical_above).map(|s| format!("critical {s}")),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_read_short() {
        let shown: Vec<String> = [1000.0, 37.5, -150.0, 1.0e12, -1.0e8, 2.5e6, 0.0]
            .into_iter()
            .map(number)
            .collect();
        assert_eq!(
            shown,
            ["1000", "37.5", "-150", "10¹²", "-10⁸", "2.5×10⁶", "0"]
        );
    }

    #[test]
    fn default_thresholds_read_as_a_sentence() {
        let text = |m: Metric| m.default_thresholds().map(|t| thresholds_text(&t));
        assert_eq!(
            text(Metric::Co2).as_deref(),
            Some("warn > 1000, critical > 2000")
        );
        assert_eq!(
            text(Metric::AirTemperature).as_deref(),
            Some("warn < 19 or > 27, critical < 16 or > 30")
        );
        assert_eq!(
            text(Metric::Battery).as_deref(),
            Some("warn < 20, critical < 10")
        );
        assert_eq!(text(Metric::Door), None);
    }
}
