//! Entry point of the wasm app: panic hook, mount, nothing else.

fn main() {
    console_error_panic_hook::set_once();
    // A metric an admin just defined may reach the live socket before its
    // definition: take it by name until `api::metrics::register_all` runs.
    cairn_protocol::metric_registry::lenient();
    leptos::mount::mount_to_body(cairn::App);
}
