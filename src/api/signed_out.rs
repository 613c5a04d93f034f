//! The one place where the end of a session is noticed: every HTTP answer
//! 401 (`http.rs`, whatever the request) and the socket's close code 4401
//! (`ws.rs`) come here. The session store registers what to do (show the
//! sign-in page); no page or component handles a 401 itself.

use std::{
    cell::{Cell, RefCell},
    rc::Rc,
};

type Handler = Rc<dyn Fn()>;

thread_local! {
    static ON_SIGNED_OUT: RefCell<Option<Handler>> = const { RefCell::new(None) };
    /// Which sign-in requests are sent under; one more at every sign-in.
    static SESSION: Cell<u64> = const { Cell::new(0) };
}

/// The sign-in a request is sent under (`http.rs` notes it before sending).
pub(super) fn session() -> u64 {
    SESSION.with(Cell::get)
}

/// A new sign-in: answers to requests sent before it no longer speak for it.
pub(super) fn signed_in() {
    SESSION.with(|s| s.set(s.get() + 1));
}

/// A 401 to a request sent under sign-in `sent`: the session is gone, unless
/// the user has signed in again since (a slow answer from before then must not
/// send them back to the sign-in page).
pub(super) fn unauthorized(sent: u64) {
    if sent == session() {
        signed_out();
    }
}

/// What to do when the server says the session is gone (replaces any earlier
/// handler). `state::session` is the only caller.
pub fn on_signed_out(handler: impl Fn() + 'static) {
    ON_SIGNED_OUT.with(|h| *h.borrow_mut() = Some(Rc::new(handler)));
}

/// The server said the session is gone: forget its CSRF token and tell the
/// session store. (Whichever request noticed first, the user is told the
/// same thing, so the server's wording is not passed on.)
pub(super) fn signed_out() {
    super::http::set_csrf(None);
    // Cloned out first: the handler may itself make calls that end up here.
    if let Some(handler) = ON_SIGNED_OUT.with(|h| h.borrow().clone()) {
        handler();
    }
}
