//! Drawing on a `<canvas>` (filled in below).
