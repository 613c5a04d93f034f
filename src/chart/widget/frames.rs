//! One animation frame callback for every chart on the page: each chart
//! queues its drawing here, and the first to queue asks the browser for the
//! frame. A page of live charts costs one `requestAnimationFrame` per frame,
//! and they all draw in the same frame.

use std::cell::RefCell;

type Job = Box<dyn FnOnce()>;

thread_local! {
    static DUE: RefCell<Vec<Job>> = const { RefCell::new(Vec::new()) };
}

/// Runs `job` in the next animation frame, with the other charts' drawing.
/// A job queued while the frame runs waits for the frame after.
pub fn on_next_frame(job: impl FnOnce() + 'static) {
    let first = DUE.with(|due| {
        let mut due = due.borrow_mut();
        due.push(Box::new(job));
        due.len() == 1
    });
    if first {
        leptos::prelude::request_animation_frame(|| {
            let jobs = DUE.with(|due| std::mem::take(&mut *due.borrow_mut()));
            for job in jobs {
                job();
            }
        });
    }
}
