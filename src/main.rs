//! Entry point of the wasm app: panic hook, mount, nothing else.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(cairn::App);
}
