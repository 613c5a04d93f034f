//! The one place where the end of a session is noticed: every HTTP answer
//! 401 (`http.rs`, whatever the request) and the socket's close code 4401
//! (`ws.rs`) come here. The session store registers what to do (show the
//! sign-in page); no page or component handles a 401 itself.

use std::{cell::RefCell, rc::Rc};

type Handler = Rc<dyn Fn()>;

thread_local! {
    static ON_SIGNED_OUT: RefCell<Option<Handler>> = const { RefCell::new(None) };
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
